import { credentials, Metadata } from '@grpc/grpc-js';
import { CatalogServiceClient, type CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import { CouponServiceClient, CouponServiceService, type Coupon, type CouponServiceServer, type GetCouponRequest } from '#contracts/coupon/v1/coupon.js';
import { OrderServiceClient, type Order, type OrderServiceService, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { createGrpcClient, type GeneratedClientConstructor, type GrpcClient, type ServiceShape } from '#kit/grpc/client.js';
import { startGrpcServer } from '#kit/grpc/server.js';
import { unary } from '#kit/grpc/unary.js';
import type { RunningService } from '#kit/host/service-host.js';
import { createLogger } from '#kit/log/log.js';
import { createTestStore, type StoreKind } from '#kit/testing/stores.js';
import { catalog } from '../../catalog/src/main.js';
import { coupon } from '../../coupon/src/main.js';
import { order } from '../src/main.js';

const silent = createLogger('test', 'silent');

/** A client as the edge would hold it: the edge -> service deadline, no in-process retries. */
function edgeClient<S extends ServiceShape<S>>(Generated: GeneratedClientConstructor<S>, callee: string, address: string): GrpcClient<S> {
  return createGrpcClient(Generated, { caller: 'edge', callee, address, inProcessResilience: false, log: silent });
}

const serviceEnv = (natsUrl: string, databaseUrl: string, grpcPort = 0): NodeJS.ProcessEnv => ({
  NATS_URL: natsUrl,
  DATABASE_URL: databaseUrl,
  GRPC_PORT: String(grpcPort),
  ADMIN_PORT: '0',
  LOG_LEVEL: 'silent',
});

/** A real catalog in-process that can be stopped and started again on the same port and store. */
export interface CatalogUnderTest {
  client: GrpcClient<typeof CatalogServiceService>;
  address: string;
  /** Stops the process as a SIGTERM would; the port and the store stay for resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  newBook(stock: number): Promise<number>;
}

export async function startCatalogUnderTest(natsUrl: string): Promise<CatalogUnderTest> {
  const store = await createTestStore('sqlite', 'catalog');
  let running: RunningService<ServiceConfig> | undefined = await catalog.start(catalog.readConfig(serviceEnv(natsUrl, store.url)));
  const port = running.grpcPort;
  const address = `127.0.0.1:${port}`;
  const client = edgeClient(CatalogServiceClient, 'catalog', address);
  const pause = async (): Promise<void> => {
    await running?.stop();
    running = undefined;
  };
  return {
    client,
    address,
    pause,
    async resume() {
      running ??= await catalog.start(catalog.readConfig(serviceEnv(natsUrl, store.url, port)));
    },
    async stop() {
      client.close();
      await pause();
      await store.drop();
    },
    async newBook(stock) {
      const book = await client.call('createBook', { bookName: `Book with ${stock}`, stock, price: 1200 });
      return book.id;
    },
  };
}

export interface CouponUnderTest {
  client: GrpcClient<typeof CouponServiceService>;
  address: string;
  stop(): Promise<void>;
}

export async function startCouponUnderTest(natsUrl: string): Promise<CouponUnderTest> {
  const store = await createTestStore('sqlite', 'coupon');
  const running = await coupon.start(coupon.readConfig(serviceEnv(natsUrl, store.url)));
  const address = `127.0.0.1:${running.grpcPort}`;
  const client = edgeClient(CouponServiceClient, 'coupon', address);
  return {
    client,
    address,
    async stop() {
      client.close();
      await running.stop();
      await store.drop();
    },
  };
}

/**
 * A CouponService whose GetCoupon does what the test says: for tests that play the coupon context's
 * part on the event stream themselves, or need a coupon service that is slow.
 */
export async function startStandInCoupon(getCoupon: (request: GetCouponRequest) => Promise<Coupon>): Promise<{ address: string; stop(): Promise<void> }> {
  const implementation: Pick<CouponServiceServer, 'getCoupon'> = { getCoupon: unary(getCoupon) };
  const server = await startGrpcServer({
    service: 'coupon',
    host: '127.0.0.1',
    port: 0,
    services: [{ definition: CouponServiceService, implementation }],
    log: silent,
  });
  return { address: `127.0.0.1:${server.port}`, stop: () => server.shutdown(0) };
}

export interface OrderUnderTest {
  client: GrpcClient<typeof OrderServiceService>;
  address: string;
  stop(): Promise<void>;
}

export async function startOrderUnderTest(options: {
  natsUrl: string;
  catalogAddress: string;
  couponAddress: string;
  kind?: StoreKind;
}): Promise<OrderUnderTest> {
  const store = await createTestStore(options.kind ?? 'sqlite', 'order');
  const running = await order.start(
    order.readConfig({ ...serviceEnv(options.natsUrl, store.url), CATALOG_ADDR: options.catalogAddress, COUPON_ADDR: options.couponAddress }),
  );
  const address = `127.0.0.1:${running.grpcPort}`;
  const client = edgeClient(OrderServiceClient, 'order', address);
  return {
    client,
    address,
    async stop() {
      client.close();
      await running.stop();
      await store.drop();
    },
  };
}

/** A PlaceOrder request with sensible defaults. */
export const placeOrderRequest = (bookId: number, overrides: Partial<{ customerId: number; quantity: number; deliveryAddress: string; couponId: number }> = {}) => ({
  customerId: 3,
  bookId,
  quantity: 1,
  deliveryAddress: '221B Baker Street, London',
  couponId: 0,
  ...overrides,
});

/** PlaceOrder through a plain ts-proto client, to see exactly what the order service answers. */
export function placeOrderDirectly(address: string, request: PlaceOrderRequest): Promise<Order> {
  const client = new OrderServiceClient(address, credentials.createInsecure());
  return new Promise<Order>((resolve, reject) => {
    client.placeOrder(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  }).finally(() => {
    client.close();
  });
}
