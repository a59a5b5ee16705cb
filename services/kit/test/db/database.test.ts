import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { openDatabase, type Database, type Migration } from '#kit/db/database.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';

const bumpShelves = fileURLToPath(new URL('./support/bump-shelves.ts', import.meta.url));

const slowMigration: Migration = {
  name: 'test/001_shelves',
  async up(db) {
    await db.schema.createTable('shelves', (table) => {
      table.increments('id');
      table.string('label').notNullable();
    });
    // Long enough that a second replica arrives while the first holds the lock.
    await new Promise((resolve) => setTimeout(resolve, 300));
  },
};

for (const kind of storeKinds) {
  describe(`the store on ${kind}`, () => {
    it('lets two replicas that start together on a fresh store both come up, migrated once', async () => {
      const store = await createTestStore(kind, 'migrate');
      const opened: Database[] = [];
      try {
        opened.push(...(await Promise.all([openDatabase(store.url, [slowMigration]), openDatabase(store.url, [slowMigration])])));
        const applied = await opened[0]?.knex('knex_migrations').pluck('name');
        expect(applied).to.deep.equal(['test/001_shelves']);
        await opened[1]?.knex('shelves').insert({ label: 'new arrivals' });
        expect(await opened[0]?.knex('shelves').pluck('label')).to.deep.equal(['new arrivals']);
      } finally {
        await Promise.all(opened.map((db) => db.close()));
        await store.drop();
      }
    });
  });
}

describe('SQLite shared by two processes', () => {
  it('queues their read-then-write transactions instead of failing them with SQLITE_BUSY', async function () {
    this.timeout(60_000);
    const store = await createTestStore('sqlite', 'writers');
    const db = await openDatabase(store.url, [slowMigration]);
    try {
      await db.knex('shelves').insert({ label: '0' });
      const replica = (): Promise<number | null> =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', bumpShelves, store.url, '3000'], { stdio: 'inherit' });
          child.on('exit', resolve);
        });
      expect(await Promise.all([replica(), replica()])).to.deep.equal([0, 0]);
      expect(await db.knex('shelves').pluck('label')).to.deep.equal(['6000']);
    } finally {
      await db.close();
      await store.drop();
    }
  });
});
