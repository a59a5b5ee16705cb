import { randomUUID } from 'node:crypto';
import { BookRegistered } from '#contracts/events/v1/catalog.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { catalogMigrations } from '../../../services/catalog/src/adapters/db/migrations.js';
import { KnexCatalogStore } from '../../../services/catalog/src/adapters/db/knex-catalog-store.js';
import { BookCommands } from '../../../services/catalog/src/app/book-commands.js';
import { systemClock } from '../../../services/catalog/src/app/ports.js';

export const benchBook = { bookName: 'Bench Book', stock: 100, price: 1_200 } as const;

/** A catalog store with the kit's and the catalog's tables; the raw baselines write to one made the same way. */
export function openCatalogDatabase(url: string): Promise<Database> {
  return openDatabase(url, [...eventMigrations, ...catalogMigrations]);
}

/** The catalog's CreateBook use case on `db`, as its gRPC handler calls it. */
export function catalogCommands(db: Database): BookCommands {
  return new BookCommands(new KnexCatalogStore(db), systemClock);
}

export interface RawOutboxRow {
  eventId: string;
  subject: string;
  payload: Buffer;
  headers: string;
}

/** The outbox row CreateBook records, written by hand as a raw driver's user would. */
export function bookRegisteredRow(bookId: number, now: Date): RawOutboxRow {
  const { bookName, price, stock } = benchBook;
  return {
    eventId: randomUUID(),
    subject: 'bookstore.catalog.BookRegistered',
    payload: Buffer.from(BookRegistered.encode({ bookId, bookName, price, stock, revision: 1 }).finish()),
    headers: JSON.stringify({ 'Bookstore-Event': 'BookRegistered', 'Bookstore-Correlation-Id': `book-${bookId}`, 'Bookstore-Occurred-At': now.toISOString() }),
  };
}

export const insertBookSql = {
  sqlite: 'insert into books (book_name, stock, price, initial_stock, created_at, updated_at) values (?, ?, ?, ?, ?, ?) returning *',
  postgres: 'insert into books (book_name, stock, price, initial_stock, created_at, updated_at) values ($1, $2, $3, $4, $5, $6) returning *',
} as const;

export const insertOutboxSql = {
  sqlite: 'insert into kit_outbox (event_id, subject, payload, headers) values (?, ?, ?, ?)',
  postgres: 'insert into kit_outbox (event_id, subject, payload, headers) values ($1, $2, $3, $4)',
} as const;
