import type { Knex, Migration } from '#kit/db/database.js';

/** The read model's tables. Same schema on SQLite (a replica's own file) and PostgreSQL. */
export const myPageMigrations: Migration[] = [
  {
    name: 'mypage/001_my_pages_coupons_names',
    async up(db: Knex) {
      await db.schema.createTable('my_pages', (t) => {
        t.bigInteger('order_id').primary();
        // Null until OrderPlaced arrives; such rows are not shown.
        t.bigInteger('customer_id').nullable();
        t.bigInteger('book_id').nullable();
        t.bigInteger('quantity').nullable();
        t.bigInteger('coupon_id').nullable();
        t.string('book_name', 200).nullable();
        t.string('order_state', 16).nullable();
        t.string('delivery_state', 16).nullable();
        t.string('cancel_reason', 24).nullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['customer_id', 'order_id']);
        t.index(['book_id']);
      });
      await db.schema.createTable('book_names', (t) => {
        t.bigInteger('book_id').primary();
        t.string('book_name', 200).notNullable();
        t.timestamp('named_at', { useTz: true }).notNullable();
      });
      await db.schema.createTable('customer_names', (t) => {
        t.bigInteger('customer_id').primary();
        t.text('customer_name').notNullable();
      });
      await db.schema.createTable('my_coupons', (t) => {
        t.string('event_id', 36).primary();
        t.bigInteger('stream_sequence').notNullable();
        t.bigInteger('customer_id').notNullable();
        t.bigInteger('coupon_id').notNullable();
        t.string('action', 16).notNullable();
        t.bigInteger('order_id').nullable();
        t.bigInteger('discount').notNullable();
        t.timestamp('event_time', { useTz: true }).notNullable();
        t.index(['customer_id', 'event_time', 'stream_sequence']);
      });
    },
  },
  {
    name: 'mypage/002_book_name_revision',
    async up(db) {
      await db.schema.alterTable('book_names', (t) => {
        t.bigInteger('revision').notNullable().defaultTo(0);
      });
    },
  },
  {
    name: 'mypage/003_money_payment',
    async up(db) {
      await db.schema.alterTable('my_pages', (t) => {
        t.bigInteger('amount').nullable();
        t.string('currency', 3).nullable();
        t.string('payment_state', 16).nullable();
        t.timestamp('paid_at', { useTz: true }).nullable();
        t.timestamp('refunded_at', { useTz: true }).nullable();
      });
    },
  },
];

/** Every table of the view, for a rebuild that starts it empty. */
export const myPageTables = ['my_pages', 'book_names', 'customer_names', 'my_coupons'] as const;
