import { expect } from 'chai';
import { openDatabase } from '#kit/db/database.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { CourierCommands } from '../src/app/courier-commands.js';
import { systemClock } from '../src/app/ports.js';
import { deliveryMigrations } from '../src/adapters/db/migrations.js';
import { KnexDeliveryStore } from '../src/adapters/db/knex-delivery-store.js';

/** The deliveries table as it was before the delivery-start handshake. */
const beforeHandshake = deliveryMigrations.filter((migration) => migration.name === 'delivery/001_deliveries');

for (const kind of storeKinds) {
  describe(`delivery store on ${kind}, upgraded to the delivery-start handshake`, () => {
    it('counts a parcel STARTED before the upgrade as confirmed, so the courier can move it, and leaves the rest', async () => {
      const testStore = await createTestStore(kind, 'delivery_upgrade');
      try {
        const old = await openDatabase(testStore.url, [...eventMigrations, ...beforeHandshake]);
        const at = new Date('2026-11-20T10:00:00Z');
        const row = (orderId: number, state: string) => ({
          order_id: orderId,
          customer_id: 7,
          book_id: 3,
          quantity: 1,
          delivery_address: '1 Tower Hill, London',
          state,
          created_at: at,
          updated_at: at,
        });
        await old.knex('deliveries').insert([row(1, 'STARTED'), row(2, 'READY')]);
        const [started = 0, ready = 0] = (await old.knex('deliveries').orderBy('id').pluck('id')).map(Number);
        await old.close();

        const db = await openDatabase(testStore.url, [...eventMigrations, ...deliveryMigrations]);
        try {
          const store = new KnexDeliveryStore(db);
          expect((await store.delivery(started))?.startConfirmedAt).to.be.instanceOf(Date);
          expect((await store.delivery(ready))?.startConfirmedAt).to.equal(undefined);
          expect((await new CourierCommands(store, systemClock).updateDeliveryStatus(started, 'IN_TRANSIT')).state).to.equal('IN_TRANSIT');
        } finally {
          await db.close();
        }
      } finally {
        await testStore.drop();
      }
    });
  });
}
