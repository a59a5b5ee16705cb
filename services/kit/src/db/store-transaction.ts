import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import type pg from 'pg';
import { dialectOf } from './database.js';
import { preparedOn } from './sqlite-client.js';

/**
 * The store's write transactions on a thin path: the kit takes a connection from knex's pool, begins
 * and commits itself, and runs the hot statements (outbox rows, request keys, a service's own few)
 * as prepared statements on it. Every other statement still goes through knex, on a transactor
 * bound to the same connection that is only built when one is used. knex's own transactions built
 * that transactor, its promise chains and events for every transaction, and compiled every
 * statement anew: on SQLite that cost four times the work of the statements themselves.
 */

/** Statements written once in SQL with `?` placeholders, run as prepared statements. */
export interface HotStatements {
  /** The rows the statement returns (a `returning` clause or a select). */
  rows<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
}

/** The connection knex's pool hands out: better-sqlite3's database or pg's client. */
type Connection = BetterSqlite3.Database | (pg.PoolClient & { __knex__disposed?: unknown });

interface ClientInternals {
  constructor: { prototype: object };
  version?: unknown;
  config: unknown;
  driver: unknown;
  connectionSettings: unknown;
  valueForUndefined: unknown;
  logger: unknown;
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<unknown>;
  emit(event: string, ...args: unknown[]): boolean;
}
interface TxClientInternals extends ClientInternals {
  transacting: boolean;
  query(connection: Connection, obj: unknown): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}
type Transactor = Knex.Transaction & { isTransaction: boolean };

const require = createRequire(import.meta.url);
const makeKnex = require('knex/lib/knex-builder/make-knex.js') as (client: TxClientInternals) => Transactor;

const statementsOf = new WeakMap<object, HotStatements>();

/**
 * The hot statements of `trx`: prepared on its connection when the kit opened it
 * (inStoreTransaction), else run through knex (a transaction an event consumer opened with knex).
 */
export function hotStatements(trx: Knex.Transaction): HotStatements {
  return statementsOf.get(trx) ?? knexStatements(trx);
}

/**
 * Runs `work` in one transaction on `knex`'s store and commits when it resolves, rolls back when
 * it throws. SQLite begins IMMEDIATE (sqlite-client.ts explains why); PostgreSQL's row locks are
 * the statements' own (`forUpdate`).
 */
export async function inStoreTransaction<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const client = knex.client as ClientInternals;
  const connection = await client.acquireConnection();
  try {
    return await (dialectOf(knex) === 'sqlite' ? onSqlite(client, connection as BetterSqlite3.Database, work) : onPostgres(client, connection as pg.PoolClient, work));
  } finally {
    await client.releaseConnection(connection);
  }
}

async function onSqlite<T>(client: ClientInternals, connection: BetterSqlite3.Database, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  preparedOn(connection, 'BEGIN IMMEDIATE').run();
  const opened = openOn(client, connection, sqliteStatements(connection));
  try {
    const result = await work(opened.trx);
    opened.end();
    preparedOn(connection, 'COMMIT').run();
    return result;
  } catch (error) {
    opened.end();
    if (connection.inTransaction) preparedOn(connection, 'ROLLBACK').run();
    throw error;
  }
}

async function onPostgres<T>(client: ClientInternals, connection: pg.PoolClient & { __knex__disposed?: unknown }, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  await connection.query('BEGIN');
  const opened = openOn(client, connection, postgresStatements(connection));
  try {
    const result = await work(opened.trx);
    opened.end();
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    opened.end();
    await connection.query('ROLLBACK').catch((failure: unknown) => {
      // A connection that cannot roll back is not handed out again: knex's pool drops it.
      connection.__knex__disposed = failure;
    });
    throw error;
  }
}

/** The transaction as use cases and adapters see it: a knex transaction whose hot statements skip knex. */
function openOn(client: ClientInternals, connection: Connection, statements: HotStatements): { trx: Knex.Transaction; end(): void } {
  let open = true;
  let transactor: Transactor | undefined;
  const bound = (): Transactor => {
    if (!open) throw new Error('the transaction has ended: a query after its commit or rollback');
    transactor ??= transactorOn(client, connection, () => open);
    return transactor;
  };
  // Built on first use: most hot transactions never run a statement through knex.
  const trx = new Proxy(function transaction() {}, {
    apply: (_target, _this, args: unknown[]) => (bound() as unknown as (...args: unknown[]) => unknown)(...args),
    get: (_target, property): unknown => Reflect.get(bound(), property),
    has: (_target, property) => Reflect.has(bound(), property),
  }) as unknown as Knex.Transaction;
  statementsOf.set(trx, {
    rows: (sql, params) => (open ? statements.rows(sql, params) : Promise.reject(new Error('the transaction has ended'))),
  });
  return { trx, end: () => { open = false; } };
}

/** A knex bound to the transaction's connection, as knex builds for its own transactions. */
function transactorOn(client: ClientInternals, connection: Connection, isOpen: () => boolean): Transactor {
  const txClient = Object.create(client.constructor.prototype) as TxClientInternals;
  Object.assign(txClient, {
    version: client.version,
    config: client.config,
    driver: client.driver,
    connectionSettings: client.connectionSettings,
    valueForUndefined: client.valueForUndefined,
    logger: client.logger,
    transacting: true,
  });
  for (const event of ['start', 'query', 'query-error', 'query-response']) {
    txClient.on(event, (...args: unknown[]) => client.emit(event, ...args));
  }
  const query = txClient.query.bind(txClient);
  txClient.query = (conn, obj) => (isOpen() && conn === connection ? query(conn, obj) : Promise.reject(new Error('the transaction has ended')));
  txClient.acquireConnection = () => Promise.resolve(connection);
  txClient.releaseConnection = () => Promise.resolve();
  const transactor = makeKnex(txClient);
  transactor.isTransaction = true;
  // The kit commits and rolls back (inStoreTransaction); a use case ends its transaction by returning or throwing.
  const refuse = (): Promise<never> => Promise.reject(new Error('inStoreTransaction commits and rolls back, not its work'));
  Object.assign(transactor, { commit: refuse, rollback: refuse, isCompleted: () => !isOpen() });
  return transactor;
}

function sqliteStatements(connection: BetterSqlite3.Database): HotStatements {
  return {
    rows<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      const statement = preparedOn(connection, sql);
      const values = params.map(sqliteValue);
      if (statement.reader) return Promise.resolve(statement.all(values) as R[]);
      statement.run(values);
      return Promise.resolve([]);
    },
  };
}

/** As knex binds values on better-sqlite3: timestamps as epoch milliseconds, booleans as 0/1. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return Number(value);
  return value;
}

const postgresForms = new Map<string, { name: string; text: string }>();

/** `sql` with `$n` placeholders, and a name that makes pg prepare it once per connection. */
function postgresForm(sql: string): { name: string; text: string } {
  let form = postgresForms.get(sql);
  if (form === undefined) {
    let position = 0;
    const text = sql.replace(/\?/g, () => `$${++position}`);
    form = { name: `kit_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text };
    postgresForms.set(sql, form);
  }
  return form;
}

function postgresStatements(connection: pg.PoolClient): HotStatements {
  return {
    async rows<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      const { name, text } = postgresForm(sql);
      const result = await connection.query({ name, text, values: [...params] });
      return result.rows as R[];
    },
  };
}

function knexStatements(trx: Knex.Transaction): HotStatements {
  return {
    async rows<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      const result: unknown = await trx.raw(sql, [...params] as Knex.RawBinding[]);
      if (Array.isArray(result)) return result as R[];
      const { rows } = result as { rows?: R[] };
      return rows ?? [];
    },
  };
}
