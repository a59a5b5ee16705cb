import type { Knex, Migration } from '#kit/db/database.js';

/** Delivery's own table. Same schema on PostgreSQL and SQLite. */
export const deliveryMigrations: Migration[] = [
  {
    name: 'delivery/001_deliveries',
    async up(db: Knex) {
      await db.schema.createTable('deliveries', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('order_id').notNullable().unique();
        t.bigInteger('customer_id').notNullable();
        t.bigInteger('book_id').notNullable();
        t.bigInteger('quantity').notNullable();
        t.text('delivery_address').notNullable();
        t.string('state', 16).notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['customer_id', 'id']);
        t.index(['state', 'id']);
      });
    },
  },
  {
    // The delivery-start handshake (services/order/README.md). A parcel STARTED when this runs may
    // have had its confirmation published before delivery listened for it, and it is not sent
    // again: it counts as confirmed now, so none waits forever.
    name: 'delivery/002_start_confirmed_at',
    async up(db: Knex) {
      await db.schema.alterTable('deliveries', (t) => {
        t.timestamp('start_confirmed_at', { useTz: true }).nullable();
      });
      await db('deliveries').where({ state: 'STARTED' }).update({ start_confirmed_at: new Date() });
    },
  },
];
