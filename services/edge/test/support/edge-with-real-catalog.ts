import { CancelReason } from '#contracts/events/v1/order.js';
import { orderEvents } from '#contracts/events.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { startCatalogUnderTest, type CatalogUnderTest } from '../../../catalog/test/support.js';
import { readEdgeConfig } from '../../src/config.js';
import { startEdge, type RunningEdge } from '../../src/start-edge.js';
import { httpCall, type HttpAnswer } from './http-client.js';
import { TestIssuer } from './test-issuer.js';

export interface EdgeWithRealCatalog {
  call(method: string, path: string, body?: object): Promise<HttpAnswer>;
  /** Orders of the order context as catalog hears of them: OrderPlaced, OrderCancelled on the stream. */
  placeOrder(orderId: number, bookId: number, quantity: number): Promise<void>;
  cancelOrder(orderId: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local edge, configured as main.ts configures it, in front of the real catalog (its store,
 * its rules, its event consumers) on a nats-server of the test's own; requests carry a book
 * manager's token.
 */
export async function startEdgeWithRealCatalog(): Promise<EdgeWithRealCatalog> {
  const nats = await NatsServer.start();
  const started: { catalog?: CatalogUnderTest; traffic?: EventTraffic; edge?: RunningEdge; issuer?: TestIssuer } = {};
  const stop = async (): Promise<void> => {
    await started.edge?.close();
    await started.issuer?.stop();
    await started.traffic?.close();
    await started.catalog?.stop();
    await nats.stop();
  };
  try {
    started.catalog = await startCatalogUnderTest(nats.url);
    started.traffic = await EventTraffic.open(nats.url);
    const issuer = (started.issuer = await TestIssuer.start());
    const bookManager = `Bearer ${await issuer.token('book-manager')}`;
    const edge = (started.edge = await startEdge(
      readEdgeConfig({ ...issuer.env, EDGE_HOST: '127.0.0.1', EDGE_PORT: '0', CATALOG_ADDR: started.catalog.address, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '5000' }),
    ));
    const traffic = started.traffic;
    return {
      call: (method, path, body) => httpCall(edge.url, method, path, { headers: { authorization: bookManager }, body: body === undefined ? undefined : JSON.stringify(body) }),
      placeOrder: async (orderId, bookId, quantity) => {
        const payload = { orderId, customerId: 1, bookId, quantity, deliveryAddress: '1 Baker Street', amount: 1500, currency: 'KRW' };
        await traffic.publish({ type: orderEvents.OrderPlaced, payload, correlationId: String(orderId) });
      },
      cancelOrder: async (orderId) => {
        const payload = { orderId, reason: CancelReason.CUSTOMER_REQUEST };
        await traffic.publish({ type: orderEvents.OrderCancelled, payload, correlationId: String(orderId) });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
