import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError } from '#kit/domain/errors.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordedEvents } from '#kit-testing/outbox.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { BookCommands } from '../src/app/book-commands.js';
import { CatalogQueries } from '../src/app/catalog-queries.js';
import { systemClock } from '../src/app/ports.js';
import { PreparationPolicies } from '../src/app/preparation-policies.js';
import { catalogMigrations } from '../src/adapters/db/migrations.js';
import { KnexCatalogStore } from '../src/adapters/db/knex-catalog-store.js';

for (const kind of storeKinds) {
  describe(`catalog store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let store: KnexCatalogStore;
    let commands: BookCommands;
    let queries: CatalogQueries;
    const policies = new PreparationPolicies(systemClock);

    before(async () => {
      testStore = await createTestStore(kind, 'catalog');
      db = await openDatabase(testStore.url, [...eventMigrations, ...catalogMigrations]);
      store = new KnexCatalogStore(db);
      commands = new BookCommands(store, systemClock);
      queries = new CatalogQueries(store);
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const outboxSubjects = async (): Promise<string[]> =>
      (await recordedEvents(db.knex)).map((event) => event.subject);

    it('creates a book and records BookRegistered in the same transaction', async () => {
      const before = (await outboxSubjects()).length;
      const book = await commands.createBook({ bookName: 'LondonTour', stock: 100, price: 1500 });
      expect(book).to.include({ bookName: 'LondonTour', stock: 100, price: 1500, initialStock: 100 });
      expect(book.id).to.be.greaterThan(0);
      expect(await queries.book(book.id)).to.deep.equal(book);
      expect((await outboxSubjects()).slice(before)).to.deep.equal(['bookstore.catalog.BookRegistered']);
    });

    it('writes nothing when a command is refused', async () => {
      const before = await outboxSubjects();
      const book = await commands.createBook({ bookName: 'Short', stock: 1, price: 1 });
      const afterCreate = await outboxSubjects();
      await commands.inputStock({ bookId: book.id, quantity: -2, inCharger: 'kim' }).catch((error: unknown) => error);
      expect(await outboxSubjects()).to.deep.equal(afterCreate);
      expect((await queries.stockInputs(book.id, { pageSize: 0, pageToken: '' })).items).to.deep.equal([]);
      expect((await queries.book(book.id)).stock).to.equal(1);
      expect(afterCreate.length).to.equal(before.length + 1);
    });

    it('pages through books with a token', async () => {
      for (let index = 0; index < 5; index += 1) await commands.createBook({ bookName: `Paged ${index}`, stock: 0, price: 0 });
      const seen: number[] = [];
      let pageToken = '';
      do {
        const page = await queries.books({ pageSize: 2, pageToken });
        expect(page.items.length).to.be.at.most(2);
        seen.push(...page.items.map((book) => book.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      const all = await db.knex('books').orderBy('id').pluck('id');
      expect(seen).to.deep.equal(all.map(Number));
    });

    it('refuses a page token it did not issue, naming the field', async () => {
      const error = await queries.books({ pageSize: 1, pageToken: 'bogus' }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(DomainError);
      expect((error as DomainError).field).to.equal('pageToken');
    });

    it('renames and reprices a book, and says when the book is missing', async () => {
      const book = await commands.createBook({ bookName: 'Old name', stock: 2, price: 100 });
      const changed = await commands.updateBook(book.id, { bookName: 'New name' });
      expect(changed).to.include({ bookName: 'New name', price: 100, stock: 2 });
      const missing = await commands.updateBook(999_999, { price: 1 }).catch((caught: unknown) => caught);
      expect(missing).to.be.instanceOf(DomainError);
      expect((missing as DomainError).kind).to.equal('not_found');
    });

    it('serves waiting deliverables oldest first and stops at the first the stock does not cover', async () => {
      const book = await commands.createBook({ bookName: 'Queue', stock: 1, price: 100 });
      await store.transaction((tx) => policies.whenOrderPlaced(tx, { orderId: 9001, bookId: book.id, quantity: 3 }));
      await store.transaction((tx) => policies.whenOrderPlaced(tx, { orderId: 9002, bookId: book.id, quantity: 1 }));
      const states = async (): Promise<Record<number, string>> =>
        Object.fromEntries(
          (await queries.deliverables({ bookId: book.id }, { pageSize: 0, pageToken: '' })).items.map((d) => [d.orderId, d.state]),
        );
      // 9002 would fit, but 9001 came first: no overtaking.
      expect(await states()).to.deep.equal({ 9001: 'WAITING', 9002: 'WAITING' });

      await commands.inputStock({ bookId: book.id, quantity: 2, inCharger: 'kim' });
      await store.transaction((tx) => policies.whenStockInputted(tx, book.id));
      expect(await states()).to.deep.equal({ 9001: 'PREPARED', 9002: 'WAITING' });
      expect((await queries.book(book.id)).stock).to.equal(0);

      await store.transaction((tx) => policies.whenOrderCancelled(tx, 9001));
      // The 3 copies came back and served 9002.
      expect(await states()).to.deep.equal({ 9001: 'CANCELLED', 9002: 'PREPARED' });
      expect((await queries.book(book.id)).stock).to.equal(2);
    });

    it('filters deliverables by state', async () => {
      const waiting = await queries.deliverables({ states: ['WAITING'] }, { pageSize: 100, pageToken: '' });
      expect(waiting.items.every((deliverable) => deliverable.state === 'WAITING')).to.equal(true);
      const prepared = await queries.deliverables({ states: ['PREPARED', 'CANCELLED'] }, { pageSize: 100, pageToken: '' });
      expect(prepared.items.map((d) => d.state).sort()).to.deep.equal(['CANCELLED', 'PREPARED']);
    });
  });
}
