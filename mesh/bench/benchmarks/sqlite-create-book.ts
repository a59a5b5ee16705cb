import BetterSqlite3 from 'better-sqlite3';
import { createTestStore } from '#kit-testing/stores.js';
import type { Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { withClosers } from '../support/closers.js';
import { benchBook, bookRegisteredRow, catalogCommands, insertBookSql, insertOutboxSql, openCatalogDatabase } from '../support/catalog-store.js';

/** CreateBook through the use case and the kit's store transaction against the same two inserts on raw better-sqlite3; one at a time, as SQLite writes. */
export const sqliteCreateBook: Benchmark = {
  name: 'CreateBook tx (SQLite)',
  unit: 'transaction',
  maxOps: 5_000,
  setUp() {
    return withClosers(async (closers) => {
      const ourStore = closers.add(await createTestStore('sqlite', 'bench-knex'), (store) => store.drop());
      const rawStore = closers.add(await createTestStore('sqlite', 'bench-raw'), (store) => store.drop());
      const commands = catalogCommands(closers.add(await openCatalogDatabase(ourStore.url), (db) => db.close()));
      await (await openCatalogDatabase(rawStore.url)).close();
      const createBook = rawCreateBook(closers.add(openRaw(rawStore.url), (db) => { db.close(); }));
      return {
        ours: {
          label: 'catalog CreateBook use case -> KnexCatalogStore -> kit store transaction (prepared book and outbox inserts)',
          run: inFlight(() => commands.createBook(benchBook), 1),
        },
        baseline: {
          label: 'raw better-sqlite3 transaction (immediate), prepared: insert book returning *, insert outbox row',
          run: inFlight(() => Promise.resolve(createBook()), 1),
        },
        close: () => closers.close(),
      };
    });
  },
};

/** The file behind a sqlite:// URL, opened with the pragmas the kit sets on its connection. */
function openRaw(url: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(url.replace(/^sqlite:\/\//, ''));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function rawCreateBook(db: BetterSqlite3.Database): () => number {
  const insertBook = db.prepare<unknown[], { id: number }>(insertBookSql.sqlite);
  const insertOutbox = db.prepare(insertOutboxSql.sqlite);
  const createBook = db.transaction(() => {
    const now = new Date();
    const { bookName, stock, price } = benchBook;
    const book = insertBook.get(bookName, stock, price, stock, now.getTime(), now.getTime());
    if (book === undefined) throw new Error('insert into books returned no row');
    const event = bookRegisteredRow(book.id, now);
    insertOutbox.run(event.eventId, event.subject, event.payload, event.headers);
    return book.id;
  });
  // BEGIN IMMEDIATE, as the kit's SQLite client begins a write transaction.
  return () => createBook.immediate();
}
