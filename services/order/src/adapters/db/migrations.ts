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
  {
    // The delivery-start handshake (services/order/README.md): what the order knows before it confirms the start.
    // Coupon orders still ORDERED when this runs may have had their CouponUsed published before the
    // order listened for it, and it is not sent again: they count as settled now, so none waits forever.
    name: 'order/002_coupon_used_at_delivery_started_at',
    async up(db: Knex) {
      await db.schema.alterTable('orders', (t) => {
        t.timestamp('coupon_used_at', { useTz: true }).nullable();
        t.timestamp('delivery_started_at', { useTz: true }).nullable();
      });
      await db('orders').whereNotNull('coupon_id').andWhere({ state: 'ORDERED' }).update({ coupon_used_at: new Date() });
    },
  },
  {
    // PlaceOrder's idempotency key: one order per customer and key. NULLs never collide, so orders
    // without a key are not limited.
    name: 'order/003_request_id',
    async up(db: Knex) {
      await db.schema.alterTable('orders', (t) => {
        t.string('request_id', 100).nullable();
      });
      await db.schema.alterTable('orders', (t) => {
        t.unique(['customer_id', 'request_id'], { indexName: 'orders_customer_id_request_id_unique' });
      });
    },
  },
  {
    // Money and payment: orders placed before prices existed were never charged; they count as
    // paid with amount 0 in the shop's default currency, so none waits for a payment that never comes.
    name: 'order/004_money_payment_state',
    async up(db: Knex) {
      await db.schema.alterTable('orders', (t) => {
        t.bigInteger('unit_price').notNullable().defaultTo(0);
        t.bigInteger('discount').notNullable().defaultTo(0);
        t.bigInteger('amount').notNullable().defaultTo(0);
        t.string('currency', 3).notNullable().defaultTo('KRW');
        t.string('payment_state', 16).notNullable().defaultTo('PAID');
      });
    },
  },
];
