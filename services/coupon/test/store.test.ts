import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError } from '#kit/domain/errors.js';
import { EventHeader } from '#kit/events/headers.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordedEvents } from '#kit-testing/outbox.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { CouponCommands } from '../src/app/coupon-commands.js';
import { CouponPolicies } from '../src/app/coupon-policies.js';
import { CouponQueries } from '../src/app/coupon-queries.js';
import { systemClock } from '../src/app/ports.js';
import { couponMigrations } from '../src/adapters/db/migrations.js';
import { KnexCouponStore } from '../src/adapters/db/knex-coupon-store.js';

interface Recorded {
  subject: string;
  correlationId: string | undefined;
}

for (const kind of storeKinds) {
  describe(`coupon store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let store: KnexCouponStore;
    let commands: CouponCommands;
    let queries: CouponQueries;
    const policies = new CouponPolicies(systemClock);
    let nextOrderId = 1000;
    const newOrderId = (): number => (nextOrderId += 1);

    before(async () => {
      testStore = await createTestStore(kind, 'coupon');
      db = await openDatabase(testStore.url, [...eventMigrations, ...couponMigrations]);
      store = new KnexCouponStore(db);
      commands = new CouponCommands(store, systemClock);
      queries = new CouponQueries(store);
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const recorded = async (): Promise<Recorded[]> =>
      (await recordedEvents(db.knex)).map((row) => ({
        subject: row.subject,
        correlationId: (JSON.parse(row.headers) as Record<string, string | undefined>)[EventHeader.correlationId],
      }));
    /** What `work` records in the outbox. */
    const recordedBy = async (work: () => Promise<unknown>): Promise<Recorded[]> => {
      const before = (await recorded()).length;
      await work();
      return (await recorded()).slice(before);
    };
    const place = (orderId: number, customerId: number, couponId: number) =>
      store.transaction((tx) => policies.whenOrderPlaced(tx, { orderId, customerId, couponId }));
    const cancel = (orderId: number, couponId: number) => store.transaction((tx) => policies.whenOrderCancelled(tx, { orderId, couponId }));

    it('issues a coupon and records CouponIssued in the same transaction', async () => {
      let id = 0;
      const events = await recordedBy(async () => {
        const coupon = await commands.issueCoupon({ customerId: 7, discount: 500 });
        expect(coupon).to.include({ customerId: 7, discount: 500, state: 'ISSUED', orderId: undefined });
        id = coupon.id;
        expect(await queries.coupon(coupon.id)).to.deep.equal(coupon);
      });
      expect(events).to.deep.equal([{ subject: 'bookstore.coupon.CouponIssued', correlationId: `coupon-${id}` }]);
    });

    it('writes nothing when a coupon is refused, naming the field', async () => {
      const events = await recordedBy(async () => {
        const error = await commands.issueCoupon({ customerId: 7, discount: -1 }).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(DomainError);
        expect((error as DomainError).field).to.equal('discount');
      });
      expect(events).to.deep.equal([]);
    });

    it('says when a coupon is missing', async () => {
      const error = await queries.coupon(999_999).catch((caught: unknown) => caught);
      expect((error as DomainError).kind).to.equal('not_found');
    });

    it('pages through one customer\'s coupons', async () => {
      const issued: number[] = [];
      for (let index = 0; index < 5; index += 1) issued.push((await commands.issueCoupon({ customerId: 31, discount: index })).id);
      await commands.issueCoupon({ customerId: 32, discount: 1 });
      const seen: number[] = [];
      let pageToken = '';
      do {
        const page = await queries.coupons(31, { pageSize: 2, pageToken });
        expect(page.items.length).to.be.at.most(2);
        seen.push(...page.items.map((coupon) => coupon.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      expect(seen).to.deep.equal(issued);
      const everyone = await queries.coupons(0, { pageSize: 100, pageToken: '' });
      expect(everyone.items.map((coupon) => coupon.customerId)).to.include.members([7, 31, 32]);
      const error = await queries.coupons(-1, { pageSize: 1, pageToken: '' }).catch((caught: unknown) => caught);
      expect((error as DomainError).field).to.equal('customerId');
    });

    it('uses, rejects, refunds and reuses a coupon, correlating each event with its order', async () => {
      const coupon = await commands.issueCoupon({ customerId: 40, discount: 250 });
      const [first, second, third] = [newOrderId(), newOrderId(), newOrderId()];

      expect(await recordedBy(() => place(first, 40, coupon.id))).to.deep.equal([
        { subject: 'bookstore.coupon.CouponUsed', correlationId: String(first) },
      ]);
      expect(await recordedBy(() => place(second, 40, coupon.id))).to.deep.equal([
        { subject: 'bookstore.coupon.CouponUseRejected', correlationId: String(second) },
      ]);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'USED', orderId: first });

      // The rejected order is cancelled (COUPON_ALREADY_USED): the coupon stays with the first.
      expect(await recordedBy(() => cancel(second, coupon.id))).to.deep.equal([]);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'USED', orderId: first });

      expect(await recordedBy(() => cancel(first, coupon.id))).to.deep.equal([
        { subject: 'bookstore.coupon.CouponRefunded', correlationId: String(first) },
      ]);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'REFUNDED', orderId: first });
      expect(await recordedBy(() => cancel(first, coupon.id))).to.deep.equal([]);

      expect(await recordedBy(() => place(third, 40, coupon.id))).to.deep.equal([
        { subject: 'bookstore.coupon.CouponUsed', correlationId: String(third) },
      ]);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'USED', orderId: third });
    });

    it('does not let a placement that arrives after its cancellation use the coupon', async () => {
      const coupon = await commands.issueCoupon({ customerId: 41, discount: 100 });
      const order = newOrderId();
      expect(await recordedBy(() => cancel(order, coupon.id))).to.deep.equal([]);
      expect(await recordedBy(() => place(order, 41, coupon.id))).to.deep.equal([]);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'ISSUED', orderId: undefined });
    });

    it('rejects an order naming an unknown coupon', async () => {
      const order = newOrderId();
      expect(await recordedBy(() => place(order, 41, 888_888))).to.deep.equal([
        { subject: 'bookstore.coupon.CouponUseRejected', correlationId: String(order) },
      ]);
      expect(await recordedBy(() => cancel(order, 888_888))).to.deep.equal([]);
    });

    it('lets exactly one of several concurrent orders use one coupon', async () => {
      const coupon = await commands.issueCoupon({ customerId: 42, discount: 100 });
      const orders = [newOrderId(), newOrderId(), newOrderId(), newOrderId(), newOrderId()];
      const events = await recordedBy(() => Promise.all(orders.map((order) => place(order, 42, coupon.id))));
      const used = events.filter((event) => event.subject === 'bookstore.coupon.CouponUsed');
      expect(used).to.have.length(1);
      expect(events.filter((event) => event.subject === 'bookstore.coupon.CouponUseRejected')).to.have.length(orders.length - 1);
      expect(await queries.coupon(coupon.id)).to.include({ state: 'USED', orderId: Number(used[0]?.correlationId) });
    });
  });
}
