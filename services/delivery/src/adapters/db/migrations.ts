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
];
