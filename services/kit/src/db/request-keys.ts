import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { invalid, precondition } from '../domain/errors.js';
import type { Migration } from './database.js';
import { hotStatements } from './store-transaction.js';

export const requestKeysTable = 'kit_request_keys';

/** The longest requestId a client may choose (a UUID is 36). */
export const REQUEST_ID_MAX = 100;

/**
 * A create's idempotency key: the client's requestId, where it applies (`scope`, e.g. `book`), and
 * the request it was first used with (a retry must ask for the same thing).
 */
export interface RequestKey {
  scope: string;
  requestId: string;
  request: unknown;
}

/** The key of a create request; undefined for a request without requestId (empty on the wire). */
export function requestKey(scope: string, requestId: string, request: unknown): RequestKey | undefined {
  if (requestId === '') return undefined;
  if (requestId.length > REQUEST_ID_MAX) throw invalid('requestId', `must be 1..${REQUEST_ID_MAX} characters when given`);
  if (/\p{Cc}/u.test(requestId)) throw invalid('requestId', 'must not contain control characters');
  return { scope, requestId, request };
}

export const requestKeyMigration: Migration = {
  name: 'kit/request-keys',
  async up(db) {
    await db.schema.createTable(requestKeysTable, (table) => {
      table.string('scope', 50).notNullable();
      table.string('request_id', REQUEST_ID_MAX).notNullable();
      table.string('request_hash', 64).notNullable();
      table.bigInteger('resource_id').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
      table.primary(['scope', 'request_id']);
    });
  },
};

const hashOf = (request: unknown): string => createHash('sha256').update(JSON.stringify(request)).digest('hex');

interface KeyRow {
  scope: string;
  request_id: string;
  request_hash: string;
  resource_id: number | string;
}

/**
 * The id of what an earlier create with this key made, if one committed. A key used before for a
 * different request is refused (FAILED_PRECONDITION): a retry must ask for the same thing.
 */
export async function createdWith(db: Knex, key: RequestKey): Promise<number | undefined> {
  const row = await db<KeyRow>(requestKeysTable).where({ scope: key.scope, request_id: key.requestId }).first();
  if (row === undefined) return undefined;
  if (row.request_hash !== hashOf(key.request)) {
    throw precondition({ reason: 'REQUEST_ID_REUSED', facts: { requestId: key.requestId } }, `requestId ${key.requestId} was already used for a different request`);
  }
  return Number(row.resource_id);
}

/**
 * Records, in the create's own transaction, that `key` made `resourceId`. A concurrent create with
 * the same key that committed first makes this insert fail, and the transaction roll back.
 */
export async function rememberCreated(trx: Knex.Transaction, key: RequestKey, resourceId: number): Promise<void> {
  await hotStatements(trx).rows(`insert into ${requestKeysTable} (scope, request_id, request_hash, resource_id) values (?, ?, ?, ?)`, [
    key.scope,
    key.requestId,
    hashOf(key.request),
    resourceId,
  ]);
}

/** Whether `error` is the store refusing a second row for one key. */
export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** OutboxStore.createOnce as a store port declares it, for the transaction type `Tx` of its service. */
export type CreateOnce<Tx> = <T extends { id: number }>(
  key: RequestKey | undefined,
  work: (tx: Tx) => Promise<T>,
  load: (id: number) => Promise<T | undefined>,
) => Promise<T>;
