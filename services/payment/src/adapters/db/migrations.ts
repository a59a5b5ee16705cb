import type { Knex, Migration } from '#kit/db/database.js';

/** The payment context's own table. Same schema on PostgreSQL and SQLite. */
export const paymentMigrations: Migration[] = [
  {
    name: 'payment/001_payments',
    async up(db: Knex) {
      await db.schema.createTable('payments', (t) => {
        t.bigIncrements('id').primary();
        // One payment per order: concurrent Pay calls and OrderPlaced create it once.
        t.bigInteger('order_id').notNullable().unique();
        t.bigInteger('customer_id').notNullable();
        t.bigInteger('amount').notNullable();
        t.string('currency', 3).notNullable();
        t.string('state', 16).notNullable();
        t.string('provider_reference', 200).nullable();
        t.integer('attempts').notNullable();
        t.string('decline_reason', 500).nullable();
        t.boolean('refund_due').notNullable();
        t.timestamp('next_attempt_at', { useTz: true }).nullable();
        t.timestamp('paid_at', { useTz: true }).nullable();
        t.timestamp('refunded_at', { useTz: true }).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['state', 'next_attempt_at']);
      });
    },
  },
  {
    // The trace the payment began in, so the settler's later attempts continue the order's trace.
    name: 'payment/002_payment_trace',
    async up(db: Knex) {
      await db.schema.alterTable('payments', (t) => {
        t.text('trace_context').nullable();
      });
    },
  },
];
