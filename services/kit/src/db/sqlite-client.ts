import { createRequire } from 'node:module';
import type { Knex } from 'knex';

/**
 * knex's better-sqlite3 client, with write transactions that take SQLite's write lock when they
 * begin (BEGIN IMMEDIATE) instead of at their first write. Several processes on one SQLite file
 * (replicas on one machine) otherwise fail a read-then-write transaction with SQLITE_BUSY_SNAPSHOT
 * at once, which busy_timeout cannot wait out; taking the lock first makes them queue instead.
 */
interface TransactionInternals {
  query(connection: unknown, sql: string): Promise<unknown>;
}
type TransactionClass = new (...args: unknown[]) => TransactionInternals;
type ClientClass = new (config: Knex.Config) => object;

const require = createRequire(import.meta.url);
const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3/index.js') as ClientClass;
const SqliteTransaction = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as TransactionClass;

class ImmediateTransaction extends SqliteTransaction {
  begin(connection: unknown): Promise<unknown> {
    return this.query(connection, 'BEGIN IMMEDIATE;');
  }
}

export class ImmediateSqliteClient extends BetterSqlite3Client {
  transaction(...args: unknown[]): TransactionInternals {
    return new ImmediateTransaction(this, ...args);
  }
}
