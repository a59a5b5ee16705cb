import { expect } from 'chai';
import { CustomerRegistered } from '#contracts/events/v1/customer.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import { EventHeader } from '#kit/events/headers.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordedEvents } from '#kit-testing/outbox.js';
import { rejectionOf } from '#kit-testing/domain-errors.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { CustomerCommands } from '../src/app/customer-commands.js';
import { CustomerQueries } from '../src/app/customer-queries.js';
import { systemClock } from '../src/app/ports.js';
import { customerMigrations } from '../src/adapters/db/migrations.js';
import { KnexCustomerStore } from '../src/adapters/db/knex-customer-store.js';

for (const kind of storeKinds) {
  describe(`customer store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let commands: CustomerCommands;
    let queries: CustomerQueries;

    before(async () => {
      testStore = await createTestStore(kind, 'customer');
      db = await openDatabase(testStore.url, [...eventMigrations, ...customerMigrations]);
      const store = new KnexCustomerStore(db);
      commands = new CustomerCommands(store, systemClock);
      queries = new CustomerQueries(store);
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const outbox = () => recordedEvents(db.knex);

    it('registers a customer and records CustomerRegistered in the same transaction, without the email', async () => {
      const before = (await outbox()).length;
      const customer = await commands.registerCustomer({ name: 'Kim Minji', email: 'minji@example.com' });
      expect(customer).to.include({ name: 'Kim Minji', email: 'minji@example.com' });
      expect(customer.id).to.be.greaterThan(0);
      expect(customer.createdAt).to.be.instanceOf(Date);
      expect(await queries.customer(customer.id)).to.deep.equal(customer);

      const recorded = (await outbox()).slice(before);
      expect(recorded.map((entry) => entry.subject)).to.deep.equal(['bookstore.customer.CustomerRegistered']);
      const [entry] = recorded;
      if (entry === undefined) throw new Error('no event recorded');
      expect(CustomerRegistered.decode(entry.payload)).to.deep.equal({ customerId: customer.id, name: 'Kim Minji' });
      expect(JSON.parse(entry.headers)).to.include({ [EventHeader.correlationId]: `customer-${customer.id}` });
    });

    it('keeps a customer without an email', async () => {
      const customer = await commands.registerCustomer({ name: 'Lee', email: '' });
      expect((await queries.customer(customer.id)).email).to.equal(undefined);
    });

    it('writes nothing when a registration is refused', async () => {
      const before = await outbox();
      const count = async (): Promise<number> => Number((await db.knex('customers').count({ n: '*' }).first())?.n ?? 0);
      const customers = await count();
      expect((await rejectionOf(commands.registerCustomer({ name: ' ', email: '' }))).field).to.equal('name');
      expect((await rejectionOf(commands.registerCustomer({ name: 'Park', email: 'park' }))).field).to.equal('email');
      expect(await outbox()).to.deep.equal(before);
      expect(await count()).to.equal(customers);
    });

    it('pages through customers with a token, oldest first', async () => {
      for (let index = 0; index < 5; index += 1) await commands.registerCustomer({ name: `Paged ${index}` });
      const seen: number[] = [];
      let pageToken = '';
      do {
        const page = await queries.customers({ pageSize: 2, pageToken });
        expect(page.items.length).to.be.at.most(2);
        seen.push(...page.items.map((customer) => customer.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      const all = await db.knex('customers').orderBy('id').pluck('id');
      expect(seen).to.deep.equal(all.map(Number));
    });

    it('says which field of a read is wrong, and when the customer is missing', async () => {
      expect((await rejectionOf(queries.customer(0))).field).to.equal('id');
      expect((await rejectionOf(queries.customer(999_999))).kind).to.equal('not_found');
      expect((await rejectionOf(queries.customers({ pageSize: 1, pageToken: 'bogus' }))).field).to.equal('pageToken');
      expect((await rejectionOf(queries.customers({ pageSize: -1, pageToken: '' }))).field).to.equal('pageSize');
    });
  });
}
