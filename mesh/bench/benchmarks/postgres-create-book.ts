import pg from 'pg';
import { createPostgresDatabase, type TestDatabase } from '#kit-testing/postgres.js';
import type { Benchmark } from '../benchmark.js';
import { inFlight } from '../measure.js';
import { withClosers } from '../support/closers.js';
import { pgTransaction } from '../support/pg-transaction.js';
import { benchBook, bookRegisteredRow, catalogCommands, insertBookSql, insertOutboxSql, openCatalogDatabase } from '../support/catalog-store.js';

const transactionsInFlight = 8;

/** CreateBook through the use case and the kit's store transaction against the same statements on a raw `pg` pool of the kit's size. */
export const postgresCreateBook: Benchmark = {
  name: 'CreateBook tx (PostgreSQL)',
  unit: 'transaction',
  maxOps: 3_000,
  async setUp() {
    let ourStore: TestDatabase;
    try {
      ourStore = await createPostgresDatabase('bench_knex');
    } catch (error) {
      return { skipped: error instanceof Error ? error.message : String(error) };
    }
    return withClosers(async (closers) => {
      closers.add(ourStore, (store) => store.drop());
      const rawStore = closers.add(await createPostgresDatabase('bench_raw'), (store) => store.drop());
      const commands = catalogCommands(closers.add(await openCatalogDatabase(ourStore.url), (db) => db.close()));
      await (await openCatalogDatabase(rawStore.url)).close();
      const pool = closers.add(new pg.Pool({ connectionString: rawStore.url, max: 10 }), (opened) => opened.end());
      return {
        ours: {
          label: `catalog CreateBook use case -> KnexCatalogStore -> kit store transaction (prepared book and outbox inserts); ${transactionsInFlight} in flight`,
          run: inFlight(() => commands.createBook(benchBook), transactionsInFlight),
        },
        baseline: {
          label: `raw pg pool (10): begin, insert book returning *, insert outbox row, commit; ${transactionsInFlight} in flight`,
          run: inFlight(() => rawCreateBook(pool), transactionsInFlight),
        },
        close: () => closers.close(),
      };
    });
  },
};

function rawCreateBook(pool: pg.Pool): Promise<void> {
  return pgTransaction(pool, async (client) => {
    const now = new Date();
    const { bookName, stock, price } = benchBook;
    const { rows } = await client.query<{ id: number }>(insertBookSql.postgres, [bookName, stock, price, stock, now, now]);
    const event = bookRegisteredRow(rows[0]?.id ?? 0, now);
    await client.query(insertOutboxSql.postgres, [event.eventId, event.subject, event.payload, event.headers]);
  });
}
