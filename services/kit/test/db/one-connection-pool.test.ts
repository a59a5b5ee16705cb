import Database from 'better-sqlite3';
import { expect } from 'chai';
import { OneConnectionPool } from '#kit/db/one-connection-pool.js';

/** The SQLite store's pool: one real better-sqlite3 connection, lent in turn. */
describe('the one-connection pool of a SQLite store', () => {
  type Connection = Database.Database & { __knex__disposed?: unknown };
  const opened: Connection[] = [];
  const pool = (waitLimitMs = 1_000, open = (): Promise<Connection> => Promise.resolve(new Database(':memory:'))) =>
    new OneConnectionPool<Connection>(
      async () => {
        const connection = await open();
        opened.push(connection);
        return connection;
      },
      (connection) => Promise.resolve(void connection.close()),
      waitLimitMs,
    );

  afterEach(() => {
    for (const connection of opened.splice(0)) if (connection.open) connection.close();
  });

  it('lends the connection to one user at a time, the others in the order they asked', async () => {
    const one = pool();
    const first = await one.acquire().promise;
    const order: string[] = [];
    const second = one.acquire().promise.then((connection) => { order.push('second'); return connection; });
    const third = one.acquire().promise.then((connection) => { order.push('third'); return connection; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order, 'nobody gets it while it is lent').to.deep.equal([]);
    one.release(first);
    const secondConnection = await second;
    expect(order).to.deep.equal(['second']);
    one.release(secondConnection);
    expect(await third).to.equal(first);
    expect(order).to.deep.equal(['second', 'third']);
    expect(opened).to.have.length(1);
    await one.destroy();
    expect(first.open).to.equal(false);
  });

  it('fails a user that waited past the limit, naming why, and lends to the next one after', async () => {
    const one = pool(50);
    const holder = await one.acquire().promise;
    let failure: unknown;
    await one.acquire().promise.catch((error: unknown) => { failure = error; });
    expect(String(failure)).to.contain("the store's connection was busy for 50 ms");
    one.release(holder);
    expect(await one.acquire().promise).to.equal(holder);
  });

  it('opens a new connection after knex marked the old one failed', async () => {
    const one = pool();
    const first = await one.acquire().promise;
    first.__knex__disposed = new Error('broken');
    one.release(first);
    const second = await one.acquire().promise;
    expect(second).not.to.equal(first);
    expect(second.prepare('select 1 as one').get()).to.deep.equal({ one: 1 });
  });

  it('lets the next user try again when opening the connection failed', async () => {
    let attempts = 0;
    const one = pool(1_000, () => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('disk not there yet')) : Promise.resolve(new Database(':memory:'));
    });
    let failure: unknown;
    await one.acquire().promise.catch((error: unknown) => { failure = error; });
    expect(String(failure)).to.contain('disk not there yet');
    const connection = await one.acquire().promise;
    expect(connection.open).to.equal(true);
  });
});
