import type { Knex, Migration } from '#kit/db/database.js';

/** The coupon context's own tables. Same schema on PostgreSQL and SQLite. */
export const couponMigrations: Migration[] = [
  {
    name: 'coupon/001_coupons_coupon_uses',
    async up(db: Knex) {
      await db.schema.createTable('coupons', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('customer_id').notNullable();
        t.bigInteger('discount').notNullable();
        t.string('state', 16).notNullable();
        t.bigInteger('order_id').nullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['customer_id', 'id']);
      });
      // One row per order that named a coupon; no foreign key, since an order may name an unknown coupon.
      await db.schema.createTable('coupon_uses', (t) => {
        t.bigInteger('order_id').primary();
        t.bigInteger('coupon_id').notNullable();
        t.string('state', 32).notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
    },
  },
];
