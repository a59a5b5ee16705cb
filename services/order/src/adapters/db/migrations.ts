import type { Knex, Migration } from '#kit/db/database.js';

/** The order context's own table. Same schema on PostgreSQL and SQLite. */
export const orderMigrations: Migration[] = [
  {
    name: 'order/001_orders',
    async up(db: Knex) {
      await db.schema.createTable('orders', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('customer_id').notNullable();
        t.bigInteger('book_id').notNullable();
        t.bigInteger('quantity').notNullable();
        t.string('delivery_address', 500).notNullable();
        t.bigInteger('coupon_id').nullable();
        t.string('state', 20).notNullable();
        t.string('cancel_reason', 24).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['customer_id', 'id']);
      });
    },
  },
];
