import type { Knex, Migration } from '#kit/db/database.js';

/** The customer context's own table. Same schema on PostgreSQL and SQLite. */
export const customerMigrations: Migration[] = [
  {
    name: 'customer/001_customers',
    async up(db: Knex) {
      await db.schema.createTable('customers', (t) => {
        t.bigIncrements('id').primary();
        t.string('name', 100).notNullable();
        t.string('email', 254).nullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
    },
  },
];
