import { expect } from 'chai';
import { CancelReason } from '#contracts/events/v1/order.js';
import { orderEvents } from '#contracts/events.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import type { EventType, ReceivedEvent } from '#kit/events/event.js';
import { eventHandlers, EventTableError, on, type EventHandler, type EventHandling } from '#kit/events/handlers.js';
import { defineService } from '#kit/host/define-service.js';
import { NatsServer } from '#kit/process/nats-server.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';

function received<T>(type: EventType<T>, payload: T): ReceivedEvent<T> {
  return {
    id: 'event-1',
    type,
    subject: type.subject,
    payload,
    correlationId: '7',
    causationId: undefined,
    occurredAt: new Date(0),
    deliveryCount: 1,
    streamSequence: 1,
  };
}

/** A row as a table built in JavaScript, or from an optional policy, could hold it: no handler. */
const rowWithoutHandler = { type: orderEvents.OrderCancelled } as unknown as EventHandling;

describe('a consumer\'s event table', () => {
  let db: Database;
  beforeEach(async () => { db = await openDatabase('sqlite::memory:', []); });
  afterEach(async () => { await db.close(); });

  it('subscribes to exactly the events it lists, and runs each one\'s handler with its payload', async () => {
    const seen: string[] = [];
    const table = eventHandlers('test', [
      on(orderEvents.OrderPlaced, (event) => { seen.push(`placed ${event.payload.orderId} at ${event.payload.deliveryAddress}`); return Promise.resolve(); }),
      on(orderEvents.OrderCancelled, (event) => { seen.push(`cancelled ${event.payload.orderId}`); return Promise.resolve(); }),
    ]);
    expect(table.events.map((type) => type.subject)).to.deep.equal(['bookstore.order.OrderPlaced', 'bookstore.order.OrderCancelled']);

    await db.knex.transaction(async (trx) => {
      await table.handle(received(orderEvents.OrderCancelled, { orderId: 2, reason: CancelReason.CUSTOMER_REQUEST }), trx);
      await table.handle(received(orderEvents.OrderPlaced, { orderId: 1, customerId: 7, bookId: 3, quantity: 1, deliveryAddress: '1 Baker Street', amount: 1500, currency: 'KRW' }), trx);
    });
    expect(seen).to.deep.equal(['cancelled 2', 'placed 1 at 1 Baker Street']);
  });

  it('refuses an event it has no row for instead of passing it over', async () => {
    const table = eventHandlers('test', [on(orderEvents.OrderPlaced, () => Promise.resolve())]);
    const stateChanged = received(orderEvents.OrderStateChanged, { orderId: 1, state: OrderState.DELIVERY_STARTED }) as ReceivedEvent;
    await db.knex.transaction(async (trx) => {
      const refused: unknown = await table.handle(stateChanged, trx).then(() => undefined, (error: unknown) => error);
      expect(refused).to.be.instanceOf(EventTableError).with.property('message', 'event table of test: no handler for bookstore.order.OrderStateChanged');
    });
  });

  it('cannot be built with a row without a handler, or with an event listed twice', () => {
    const noop: EventHandler<unknown> = () => Promise.resolve();
    expect(() => eventHandlers('order', [on(orderEvents.OrderPlaced, noop), rowWithoutHandler]))
      .to.throw(EventTableError, 'event table of order: bookstore.order.OrderCancelled has no handler');
    expect(() => eventHandlers('order', [on(orderEvents.OrderPlaced, noop), on(orderEvents.OrderPlaced, noop)]))
      .to.throw(EventTableError, 'event table of order: bookstore.order.OrderPlaced is listed twice');
  });

  describe('in a service', () => {
    let nats: NatsServer;
    let store: TestDatabase;
    before(async () => {
      nats = await NatsServer.start();
      store = await createTestStore('sqlite', 'event-table');
    });
    after(async () => {
      await nats.stop();
      await store.drop();
    });

    it('stops the start when the table subscribes to an event without a handler', async () => {
      const broken = defineService('coupon', () => ({
        migrations: [],
        grpcServices: () => [],
        consumers: () => [{ durable: 'coupon', ...eventHandlers('coupon', [rowWithoutHandler]) }],
      }));
      const config = broken.readConfig({ NATS_URL: nats.url, DATABASE_URL: store.url, GRPC_PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'silent' });
      const failed: unknown = await broken.start(config).then(() => undefined, (error: unknown) => error);
      expect(failed).to.be.instanceOf(EventTableError).with.property('message', 'event table of coupon: bookstore.order.OrderCancelled has no handler');
    });
  });
});
