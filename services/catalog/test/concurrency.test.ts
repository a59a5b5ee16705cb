import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { waitFor } from '#kit/process/ports.js';
import { createPostgresDatabase, type TestDatabase } from '#kit-testing/postgres.js';
import { systemClock } from '../src/app/ports.js';
import { PreparationPolicies } from '../src/app/preparation-policies.js';
import { catalogMigrations } from '../src/adapters/db/migrations.js';
import { KnexCatalogStore } from '../src/adapters/db/knex-catalog-store.js';
import { addStock } from '../src/domain/book.js';

/** Two catalog replicas on one PostgreSQL database, their transactions interleaved on purpose. */
describe('catalog replicas racing on PostgreSQL', () => {
  let testStore: TestDatabase;
  let db: Database;
  let store: KnexCatalogStore;
  const policies = new PreparationPolicies(systemClock);

  before(async () => {
    testStore = await createPostgresDatabase('catalog_race');
    db = await openDatabase(testStore.url, [...eventMigrations, ...catalogMigrations]);
    store = new KnexCatalogStore(db);
  });

  after(async () => {
    await db.close();
    await testStore.drop();
  });

  const sessionsWaitingForALock = async (): Promise<number> => {
    const result = await db.knex.raw<{ rows: { waiting: string }[] }>(
      "select count(*) as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    return Number(result.rows[0]?.waiting ?? 0);
  };

  it('keeps stock conserved when a cancellation waits for the book while a stock input prepares the order', async () => {
    const book = await store.transaction((tx) => tx.addBook({ bookName: 'Race', stock: 0, price: 1 }, new Date()));
    await store.transaction((tx) => policies.whenOrderPlaced(tx, { orderId: 1, bookId: book.id, quantity: 2 }));

    // Replica B handles a stock input of 2: it holds the book's lock until released.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stockInput = store.transaction(async (tx) => {
      const locked = await tx.bookForUpdate(book.id);
      if (locked === undefined) throw new Error('book missing');
      await tx.saveBook(addStock(locked, 2, new Date()));
      await held;
      await policies.whenStockInputted(tx, book.id);
    });
    await waitFor(async () => (await store.book(book.id)) !== undefined, 'replica B to hold the book');

    // Replica A handles OrderCancelled: it sees the deliverable WAITING, then waits for the book.
    const cancellation = store.transaction((tx) => policies.whenOrderCancelled(tx, 1));
    await waitFor(async () => (await sessionsWaitingForALock()) === 1, 'replica A to wait for the book lock');
    release();
    await Promise.all([stockInput, cancellation]);

    const after = await store.book(book.id);
    const deliverable = await db.knex('deliverables').where({ order_id: 1 }).first<{ state: string }>();
    // B prepared the order (stock 0), then A cancelled the PREPARED deliverable and returned its 2 copies.
    expect(deliverable.state).to.equal('CANCELLED');
    expect(after?.stock).to.equal(2);
  });
});
