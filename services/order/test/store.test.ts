import { expect } from 'chai';
import { CancelReason as EventCancelReason } from '#contracts/events/v1/order.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { orderEvents } from '#contracts/events.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError, type DomainErrorKind } from '#kit/domain/errors.js';
import { NotYet } from '#kit/events/event.js';
import { createLogger } from '#kit/log/log.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordedEvents, type RecordedEvent } from '#kit-testing/outbox.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { OrderCommands } from '../src/app/order-commands.js';
import { OrderPolicies } from '../src/app/order-policies.js';
import { OrderQueries } from '../src/app/order-queries.js';
import { systemClock, type BookLookup, type CouponLookup, type OrderTransaction, type Payments } from '../src/app/ports.js';
import type { Coupon } from '../src/domain/coupon.js';
import type { NewOrder } from '../src/domain/order.js';
import type { PaymentState } from '../src/domain/payment.js';
import { priceOrder } from '../src/domain/pricing.js';
import { orderMigrations } from '../src/adapters/db/migrations.js';
import { KnexOrderStore } from '../src/adapters/db/knex-order-store.js';

/** The catalog, coupon and payment answers these tests need, without the services (their adapters are tested elsewhere). */
class KnownBooksAndCoupons implements BookLookup, CouponLookup, Payments {
  prices = new Map<number, number>([[7, 1500], [8, 2000]]);
  /** What Pay answers. */
  payment: PaymentState = 'PAID';
  coupons = new Map<number, Coupon>([
    [50, { id: 50, customerId: 3, discount: 300, state: 'ISSUED' }],
    [51, { id: 51, customerId: 3, discount: 300, state: 'USED' }],
    [52, { id: 52, customerId: 4, discount: 300, state: 'REFUNDED' }],
  ]);
  failure: Error | undefined;
  /** Runs while catalog is being asked, once: another placement that commits meanwhile. */
  meanwhile: (() => Promise<unknown>) | undefined;

  async bookPrice(bookId: number): Promise<number | undefined> {
    const meanwhile = this.meanwhile;
    this.meanwhile = undefined;
    await meanwhile?.();
    return this.failure === undefined ? this.prices.get(bookId) : Promise.reject(this.failure);
  }

  /** Runs while payment is being asked, once. */
  paying: (() => Promise<unknown>) | undefined;

  async pay(): Promise<PaymentState> {
    const paying = this.paying;
    this.paying = undefined;
    await paying?.();
    return this.payment;
  }

  coupon(couponId: number): Promise<Coupon | undefined> {
    return Promise.resolve(this.coupons.get(couponId));
  }
}

const order = (overrides: Partial<NewOrder> = {}): NewOrder => ({
  customerId: 3,
  bookId: 7,
  quantity: 1,
  deliveryAddress: '221B Baker Street',
  couponId: undefined,
  requestId: undefined,
  ...overrides,
});

async function kindOf(work: Promise<unknown>): Promise<DomainErrorKind | 'no error'> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  if (error === undefined) return 'no error';
  if (error instanceof DomainError) return error.kind;
  throw new Error('not a domain error', { cause: error });
}

for (const kind of storeKinds) {
  describe(`order store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let store: KnexOrderStore;
    let lookups: KnownBooksAndCoupons;
    let commands: OrderCommands;
    let queries: OrderQueries;
    const policies = new OrderPolicies(systemClock);

    before(async () => {
      testStore = await createTestStore(kind, 'order');
      db = await openDatabase(testStore.url, [...eventMigrations, ...orderMigrations]);
      store = new KnexOrderStore(db);
      lookups = new KnownBooksAndCoupons();
      commands = new OrderCommands(store, lookups, lookups, lookups, systemClock, 'KRW', createLogger('test', 'silent'));
      queries = new OrderQueries(store);
    });

    afterEach(() => {
      lookups.failure = undefined;
      lookups.meanwhile = undefined;
      lookups.paying = undefined;
      lookups.payment = 'PAID';
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const outbox = () => recordedEvents(db.knex);
    const recordedSince = async (count: number): Promise<RecordedEvent[]> => (await outbox()).slice(count);

    it('places an order as ORDERED and records OrderPlaced in the same transaction', async () => {
      const before = (await outbox()).length;
      const placed = await commands.placeOrder(order({ quantity: 3, couponId: 50, deliveryAddress: '  221B Baker Street ' }));
      expect(placed).to.include({ customerId: 3, bookId: 7, quantity: 3, couponId: 50, state: 'ORDERED', deliveryAddress: '221B Baker Street' });
      expect(placed.cancelReason).to.equal(undefined);
      expect(await queries.order(placed.id)).to.deep.equal(placed);
      const [recorded, ...more] = await recordedSince(before);
      expect(more).to.deep.equal([]);
      expect(recorded?.subject).to.equal(orderEvents.OrderPlaced.subject);
      expect(orderEvents.OrderPlaced.codec.decode(recorded?.payload ?? new Uint8Array())).to.deep.equal({
        orderId: placed.id,
        customerId: 3,
        bookId: 7,
        quantity: 3,
        deliveryAddress: '221B Baker Street',
        couponId: 50,
        amount: 4200,
        currency: 'KRW',
      });
      expect(placed).to.include({ unitPrice: 1500, discount: 300, amount: 4200, currency: 'KRW', paymentState: 'PAID' });
    });

    it('accepts the order PENDING when payment cannot confirm it, and cancels it with PAYMENT_DECLINED when declined', async () => {
      lookups.payment = 'PENDING';
      expect(await commands.placeOrder(order({ customerId: 67 }))).to.include({ state: 'ORDERED', paymentState: 'PENDING', amount: 1500 });
      lookups.payment = 'DECLINED';
      const before = (await outbox()).length;
      const declined = await commands.placeOrder(order({ customerId: 67, couponId: undefined }));
      expect(declined).to.include({ state: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED', paymentState: 'DECLINED' });
      expect((await recordedSince(before)).map((row) => row.subject)).to.deep.equal([orderEvents.OrderPlaced.subject, orderEvents.OrderCancelled.subject]);
    });

    it('answers a placed order as placed when its store fails while Pay\'s answer is recorded (payment\'s events bring it)', async () => {
      // A store of its own, closed while payment is asked: the order is committed by then.
      const failing = await openDatabase(testStore.url, [...eventMigrations, ...orderMigrations]);
      const placing = new OrderCommands(new KnexOrderStore(failing), lookups, lookups, lookups, systemClock, 'KRW', createLogger('test', 'silent'));
      lookups.paying = () => failing.close();
      const placed = await placing.placeOrder(order({ customerId: 68 }));
      expect(placed).to.include({ state: 'ORDERED', paymentState: 'PENDING' });
      expect(await queries.order(placed.id)).to.deep.include({ id: placed.id, customerId: 68, paymentState: 'PENDING' });
    });

    it('keeps "no coupon" as no coupon', async () => {
      const placed = await commands.placeOrder(order());
      expect(placed.couponId).to.equal(undefined);
      expect((await queries.order(placed.id)).couponId).to.equal(undefined);
    });

    it('writes nothing when an order is refused or a lookup fails', async () => {
      const before = await outbox();
      const ordersBefore = (await queries.orders(0, { pageSize: 100, pageToken: '' })).items.length;
      expect(await kindOf(commands.placeOrder(order({ bookId: 999 })))).to.equal('not_found');
      expect(await kindOf(commands.placeOrder(order({ couponId: 999 })))).to.equal('not_found');
      expect(await kindOf(commands.placeOrder(order({ couponId: 51 })))).to.equal('precondition');
      expect(await kindOf(commands.placeOrder(order({ couponId: 52 })))).to.equal('precondition');
      expect(await kindOf(commands.placeOrder(order({ quantity: 0 })))).to.equal('invalid');
      lookups.failure = new Error('catalog is unavailable');
      const failed = await commands.placeOrder(order()).catch((error: unknown) => error);
      expect(failed).to.equal(lookups.failure);
      expect(await outbox()).to.deep.equal(before);
      expect((await queries.orders(0, { pageSize: 100, pageToken: '' })).items.length).to.equal(ordersBefore);
    });

    const ordersOf = async (customerId: number) => (await queries.orders(customerId, { pageSize: 100, pageToken: '' })).items;

    it('places one order for a requestId used twice, and records one OrderPlaced', async () => {
      const before = (await outbox()).length;
      const placed = await commands.placeOrder(order({ customerId: 60, requestId: 'retry-1' }));
      expect(await commands.placeOrder(order({ customerId: 60, requestId: 'retry-1' }))).to.deep.equal(placed);
      expect((await ordersOf(60)).map((listed) => listed.id)).to.deep.equal([placed.id]);
      expect((await recordedSince(before)).map((row) => row.subject)).to.deep.equal([orderEvents.OrderPlaced.subject]);
    });

    it('answers a retry with the order as it is now, even once its coupon is no longer available', async () => {
      lookups.coupons.set(53, { id: 53, customerId: 61, discount: 300, state: 'ISSUED' });
      const placed = await commands.placeOrder(order({ customerId: 61, couponId: 53, requestId: 'retry-2' }));
      lookups.coupons.set(53, { id: 53, customerId: 61, discount: 300, state: 'USED' });
      const cancelled = await commands.cancelOrder(placed.id);
      expect(await commands.placeOrder(order({ customerId: 61, couponId: 53, requestId: 'retry-2' }))).to.deep.equal(cancelled);
    });

    it('refuses a requestId reused for a different order, writing nothing', async () => {
      const placed = await commands.placeOrder(order({ customerId: 62, requestId: 'retry-3' }));
      const before = (await outbox()).length;
      const refused = await commands.placeOrder(order({ customerId: 62, quantity: 2, requestId: 'retry-3' })).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(DomainError).and.include({
        kind: 'precondition',
        message: `requestId retry-3 was already used for order ${placed.id} with different details`,
      });
      expect((await ordersOf(62)).length).to.equal(1);
      expect((await outbox()).length).to.equal(before);
    });

    it('lets another customer use the same requestId, and orders without one are never merged', async () => {
      const mine = await commands.placeOrder(order({ customerId: 63, requestId: 'shared' }));
      const theirs = await commands.placeOrder(order({ customerId: 64, requestId: 'shared' }));
      expect(theirs.id).to.not.equal(mine.id);
      await commands.placeOrder(order({ customerId: 63 }));
      await commands.placeOrder(order({ customerId: 63 }));
      expect((await ordersOf(63)).length).to.equal(3);
    });

    it('returns the order of a placement with the same requestId that committed while catalog was asked', async () => {
      const before = (await outbox()).length;
      let winner: Awaited<ReturnType<typeof commands.placeOrder>> | undefined;
      lookups.meanwhile = async () => {
        winner = await store.transaction(async (tx) => tx.addOrder(priceOrder(order({ customerId: 65, requestId: 'race' }), 1500, 0, 'KRW'), new Date()));
      };
      const placed = await commands.placeOrder(order({ customerId: 65, requestId: 'race' }));
      expect(winner?.id).to.be.a('number');
      expect(placed).to.deep.equal(winner);
      expect((await ordersOf(65)).length).to.equal(1);
      expect(await recordedSince(before)).to.deep.equal([]);
    });

    it('ends concurrent placements with one requestId with one order and one OrderPlaced', async () => {
      const before = (await outbox()).length;
      const placements = await Promise.all(Array.from({ length: 5 }, () => commands.placeOrder(order({ customerId: 66, requestId: 'concurrent' }))));
      const [first] = await ordersOf(66);
      expect(placements.map((placed) => placed.id)).to.deep.equal(Array.from({ length: 5 }, () => first?.id));
      expect((await ordersOf(66)).length).to.equal(1);
      expect((await recordedSince(before)).map((row) => row.subject)).to.deep.equal([orderEvents.OrderPlaced.subject]);
    });

    it('cancels an ORDERED order, keeps it CANCELLED and records OrderCancelled', async () => {
      const placed = await commands.placeOrder(order({ couponId: 50 }));
      const before = (await outbox()).length;
      const cancelled = await commands.cancelOrder(placed.id);
      expect(cancelled).to.include({ id: placed.id, state: 'CANCELLED', cancelReason: 'CUSTOMER_REQUEST' });
      expect(await queries.order(placed.id)).to.deep.equal(cancelled);
      const recorded = await recordedSince(before);
      expect(recorded.map((row) => row.subject)).to.deep.equal([orderEvents.OrderCancelled.subject]);
      expect(orderEvents.OrderCancelled.codec.decode(recorded[0]?.payload ?? new Uint8Array())).to.deep.equal({
        orderId: placed.id,
        couponId: 50,
        reason: EventCancelReason.CUSTOMER_REQUEST,
      });
      expect(await kindOf(commands.cancelOrder(placed.id))).to.equal('precondition');
      expect(await kindOf(commands.cancelOrder(999_999))).to.equal('not_found');
      expect(await kindOf(commands.cancelOrder(0))).to.equal('invalid');
    });

    it('moves an order forward on delivery news, ignores late news, and publishes each move', async () => {
      const placed = await commands.placeOrder(order());
      const before = (await outbox()).length;
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, placed.id));
      await store.transaction((tx) => policies.whenDeliveryProgressed(tx, placed.id, 'IN_TRANSIT'));
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, placed.id));
      expect((await queries.order(placed.id)).state).to.equal('IN_TRANSIT');
      expect(await kindOf(commands.cancelOrder(placed.id))).to.equal('precondition');
      await store.transaction((tx) => policies.whenDeliveryProgressed(tx, placed.id, 'DELIVERED'));
      expect((await queries.order(placed.id)).state).to.equal('DELIVERED');
      const recorded = await recordedSince(before);
      expect(recorded.map((row) => orderEvents.OrderStateChanged.codec.decode(row.payload))).to.deep.equal([
        { orderId: placed.id, state: OrderState.DELIVERY_STARTED },
        { orderId: placed.id, state: OrderState.IN_TRANSIT },
        { orderId: placed.id, state: OrderState.DELIVERED },
      ]);
    });

    it('keeps an order with a coupon ORDERED until its coupon is settled, whichever news comes first, then confirms the start', async () => {
      const startedFirst = await commands.placeOrder(order({ couponId: 50 }));
      const usedFirst = await commands.placeOrder(order({ couponId: 50 }));
      const before = (await outbox()).length;
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, startedFirst.id));
      await store.transaction((tx) => policies.whenCouponUsed(tx, usedFirst.id, 50));
      const waiting = [await queries.order(startedFirst.id), await queries.order(usedFirst.id)];
      expect(waiting.map((found) => found.state)).to.deep.equal(['ORDERED', 'ORDERED']);
      expect(waiting[0]?.deliveryStartedAt).to.be.instanceOf(Date);
      expect(waiting[1]?.couponUsedAt).to.be.instanceOf(Date);
      expect((await outbox()).length).to.equal(before);

      await store.transaction((tx) => policies.whenCouponUsed(tx, startedFirst.id, 50));
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, usedFirst.id));
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, usedFirst.id));
      expect((await queries.order(startedFirst.id)).state).to.equal('DELIVERY_STARTED');
      expect((await queries.order(usedFirst.id)).state).to.equal('DELIVERY_STARTED');
      const recorded = await recordedSince(before);
      expect(recorded.map((row) => orderEvents.OrderStateChanged.codec.decode(row.payload))).to.deep.equal([
        { orderId: startedFirst.id, state: OrderState.DELIVERY_STARTED },
        { orderId: usedFirst.id, state: OrderState.DELIVERY_STARTED },
      ]);
    });

    it('leaves a CANCELLED order alone when delivery news comes', async () => {
      const placed = await commands.placeOrder(order());
      await commands.cancelOrder(placed.id);
      const before = (await outbox()).length;
      await store.transaction((tx) => policies.whenDeliveryStarted(tx, placed.id));
      expect((await queries.order(placed.id)).state).to.equal('CANCELLED');
      expect((await outbox()).length).to.equal(before);
    });

    it('cancels an order whose coupon another order used first, in any state but DELIVERED', async () => {
      const inTransit = await commands.placeOrder(order({ couponId: 50 }));
      await store.transaction((tx) => policies.whenDeliveryProgressed(tx, inTransit.id, 'IN_TRANSIT'));
      const delivered = await commands.placeOrder(order({ couponId: 50 }));
      await store.transaction((tx) => policies.whenDeliveryProgressed(tx, delivered.id, 'DELIVERED'));
      const before = (await outbox()).length;
      await store.transaction((tx) => policies.whenCouponUseRejected(tx, inTransit.id, 50));
      await store.transaction((tx) => policies.whenCouponUseRejected(tx, delivered.id, 50));
      expect(await queries.order(inTransit.id)).to.include({ state: 'CANCELLED', cancelReason: 'COUPON_ALREADY_USED' });
      expect((await queries.order(delivered.id)).state).to.equal('DELIVERED');
      const recorded = await recordedSince(before);
      expect(recorded.map((row) => row.subject)).to.deep.equal([orderEvents.OrderCancelled.subject]);
      expect(orderEvents.OrderCancelled.codec.decode(recorded[0]?.payload ?? new Uint8Array())).to.deep.equal({
        orderId: inTransit.id,
        couponId: 50,
        reason: EventCancelReason.COUPON_ALREADY_USED,
      });
    });

    it('waits (NotYet) for an order it does not have', async () => {
      for (const early of [(tx: OrderTransaction) => policies.whenDeliveryStarted(tx, 987_654), (tx: OrderTransaction) => policies.whenCouponUsed(tx, 987_654, 50)]) {
        const error = await store.transaction(early).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(NotYet);
      }
    });

    it('serializes a cancel racing the delivery start: exactly one of them wins', async () => {
      for (let round = 0; round < 10; round += 1) {
        const placed = await commands.placeOrder(order());
        const [cancel] = await Promise.allSettled([
          commands.cancelOrder(placed.id),
          store.transaction((tx) => policies.whenDeliveryStarted(tx, placed.id)),
        ]);
        const state = (await queries.order(placed.id)).state;
        expect(state).to.equal(cancel.status === 'fulfilled' ? 'CANCELLED' : 'DELIVERY_STARTED');
      }
    });

    it('pages through the orders of one customer with a token', async () => {
      for (let index = 0; index < 5; index += 1) await commands.placeOrder(order({ customerId: 77 }));
      await commands.placeOrder(order({ customerId: 78 }));
      const seen: number[] = [];
      let pageToken = '';
      do {
        const page = await queries.orders(77, { pageSize: 2, pageToken });
        expect(page.items.length).to.be.at.most(2);
        expect(page.items.every((item) => item.customerId === 77)).to.equal(true);
        seen.push(...page.items.map((item) => item.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      expect(seen.length).to.equal(5);
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(seen);
      expect(await kindOf(queries.orders(-1, { pageSize: 0, pageToken: '' }))).to.equal('invalid');
      expect(await kindOf(queries.orders(0, { pageSize: 0, pageToken: 'bogus' }))).to.equal('invalid');
      expect(await kindOf(queries.order(0))).to.equal('invalid');
      expect(await kindOf(queries.order(999_999))).to.equal('not_found');
    });
  });
}
