import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Knex } from 'knex';
import { OneConnectionPool, type Lendable } from './one-connection-pool.js';

/**
 * knex's better-sqlite3 client, with write transactions that take SQLite's write lock when they
 * begin (BEGIN IMMEDIATE) instead of at their first write. Several processes on one SQLite file
 * (replicas on one machine) otherwise fail a read-then-write transaction with SQLITE_BUSY_SNAPSHOT
 * at once, which busy_timeout cannot wait out; taking the lock first makes them queue instead.
 *
 * It also keeps each connection's prepared statements: knex's client prepares every query anew,
 * and parsing the SQL cost more than running it.
 */
interface TransactionInternals {
  query(connection: unknown, sql: string): Promise<unknown>;
}
type TransactionClass = new (...args: unknown[]) => TransactionInternals;
interface QueryObject {
  sql?: string;
  bindings?: readonly unknown[];
  options?: unknown;
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}
interface ClientInternals {
  _query(connection: BetterSqlite3.Database, obj: QueryObject): Promise<QueryObject>;
  _formatBindings(bindings: readonly unknown[] | undefined): unknown[];
  acquireRawConnection(): Promise<BetterSqlite3.Database>;
  destroyRawConnection(connection: BetterSqlite3.Database): Promise<void>;
  pool: unknown;
  _ownsPool: boolean;
}
type ClientClass = new (config: Knex.Config) => ClientInternals;

const require = createRequire(import.meta.url);
const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3/index.js') as ClientClass;
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as TransactionClass;

class ImmediateTransaction extends SqliteTransaction {
  begin(connection: unknown): Promise<unknown> {
    return this.query(connection, 'BEGIN IMMEDIATE;');
  }
}

/** Enough for every distinct statement a service runs; past it the oldest one is dropped. */
const statementsPerConnection = 500;

const statementCaches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** `sql` prepared on `connection`, once per connection. */
export function preparedOn(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCaches.get(connection);
  if (cache === undefined) {
    cache = new Map();
    statementCaches.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = connection.prepare(sql);
    if (cache.size >= statementsPerConnection) cache.delete(cache.keys().next().value ?? '');
    cache.set(sql, statement);
  }
  return statement;
}

/** How long a user waits for the store's connection before failing (knex's default acquire timeout). */
const connectionWaitMs = 60_000;

export class ImmediateSqliteClient extends BetterSqlite3Client {
  transaction(...args: unknown[]): TransactionInternals {
    return new ImmediateTransaction(this, ...args);
  }

  /** One connection, lent in turn (one-connection-pool.ts), instead of knex's pool. */
  initializePool(): void {
    this.pool = new OneConnectionPool<BetterSqlite3.Database & Lendable>(
      async () => configured(await this.acquireRawConnection()),
      (connection) => this.destroyRawConnection(connection),
      connectionWaitMs,
    );
    this._ownsPool = true;
  }

  override async _query(connection: BetterSqlite3.Database, obj: QueryObject): Promise<QueryObject> {
    // A query that sets safeIntegers would change the shared statement: knex prepares it alone.
    if (obj.sql === undefined || obj.sql === '' || hasOwnSafeIntegers(obj.options)) return super._query(connection, obj);
    const statement = preparedOn(connection, obj.sql);
    const bindings = this._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}

/**
 * Write-ahead logging: readers do not block the writer. synchronous = NORMAL: a commit is durable
 * once in the log, which survives the process being killed (not the machine losing power).
 */
function configured(connection: BetterSqlite3.Database): BetterSqlite3.Database {
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  return connection;
}

function hasOwnSafeIntegers(options: unknown): boolean {
  return typeof options === 'object' && options !== null && 'safeIntegers' in options && typeof options.safeIntegers === 'boolean';
}
