import { expect } from 'chai';
import { openDatabase } from '#kit/db/database.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { OrderPolicies } from '../src/app/order-policies.js';
import { systemClock } from '../src/app/ports.js';
import { orderMigrations } from '../src/adapters/db/migrations.js';
import { KnexOrderStore } from '../src/adapters/db/knex-order-store.js';

/** The orders table as it was before the delivery-start handshake. */
const beforeHandshake = orderMigrations.filter((migration) => migration.name === 'order/001_orders');

for (const kind of storeKinds) {
  describe(`order store on ${kind}, upgraded to the delivery-start handshake`, () => {
    it('counts the coupon of an order still ORDERED as settled, so its delivery start is confirmed, and leaves the rest', async () => {
      const testStore = await createTestStore(kind, 'order_upgrade');
      try {
        const old = await openDatabase(testStore.url, [...eventMigrations, ...beforeHandshake]);
        const at = new Date('2026-11-20T10:00:00Z');
        const row = (couponId: number | null, state: string) => ({
          customer_id: 3,
          book_id: 7,
          quantity: 1,
          delivery_address: '221B Baker Street',
          coupon_id: couponId,
          state,
          cancel_reason: null,
          created_at: at,
          updated_at: at,
        });
        await old.knex('orders').insert([row(50, 'ORDERED'), row(null, 'ORDERED'), row(51, 'IN_TRANSIT')]);
        const [withCoupon = 0, withoutCoupon = 0, inTransit = 0] = (await old.knex('orders').orderBy('id').pluck('id')).map(Number);
        await old.close();

        const db = await openDatabase(testStore.url, [...eventMigrations, ...orderMigrations]);
        try {
          const store = new KnexOrderStore(db);
          expect((await store.order(withCoupon))?.couponUsedAt).to.be.instanceOf(Date);
          expect(await store.order(withoutCoupon)).to.include({ couponUsedAt: undefined, deliveryStartedAt: undefined });
          expect(await store.order(inTransit)).to.include({ state: 'IN_TRANSIT', couponUsedAt: undefined });
          await store.transaction((tx) => new OrderPolicies(systemClock).whenDeliveryStarted(tx, withCoupon));
          expect((await store.order(withCoupon))?.state).to.equal('DELIVERY_STARTED');
        } finally {
          await db.close();
        }
      } finally {
        await testStore.drop();
      }
    });
  });
}
