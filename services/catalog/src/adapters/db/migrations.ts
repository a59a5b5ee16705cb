import type { Knex, Migration } from '#kit/db/database.js';

/** The catalog's own tables. Same schema on PostgreSQL and SQLite. */
export const catalogMigrations: Migration[] = [
  {
    name: 'catalog/001_books_stock_inputs_deliverables',
    async up(db: Knex) {
      await db.schema.createTable('books', (t) => {
        t.bigIncrements('id').primary();
        t.string('book_name', 200).notNullable();
        t.bigInteger('stock').notNullable();
        t.bigInteger('price').notNullable();
        t.bigInteger('initial_stock').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
      });
      await db.schema.createTable('stock_inputs', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('book_id').notNullable().references('id').inTable('books');
        t.bigInteger('quantity').notNullable();
        t.string('in_charger', 100).notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.index(['book_id', 'id']);
      });
      await db.schema.createTable('deliverables', (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('order_id').notNullable().unique();
        t.bigInteger('book_id').notNullable().references('id').inTable('books');
        t.bigInteger('quantity').notNullable();
        t.string('state', 16).notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable();
        t.index(['book_id', 'state', 'id']);
      });
    },
  },
  {
    name: 'catalog/002_book_revision',
    async up(db: Knex) {
      await db.schema.alterTable('books', (t) => {
        t.bigInteger('revision').notNullable().defaultTo(1);
      });
    },
  },
];
