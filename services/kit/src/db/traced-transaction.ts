import { SpanKind, type Link } from '@opentelemetry/api';
import { ATTR_DB_SYSTEM_NAME, DB_SYSTEM_NAME_VALUE_POSTGRESQL, DB_SYSTEM_NAME_VALUE_SQLITE } from '@opentelemetry/semantic-conventions/incubating';
import type { Knex } from 'knex';
import { inSpan } from '../telemetry/spans.js';
import { dialectOf } from './database.js';
import { inStoreTransaction } from './store-transaction.js';

/**
 * `work` in one store transaction (store-transaction.ts), traced as one span from begin to commit or rollback: the
 * transactions of use cases and of event handling. Events recorded in it keep this span as the
 * parent of their publish span (outbox.ts). `links`: the spans it serves when it serves several
 * (a replay applying a batch of events).
 */
export function tracedTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>, links: Link[] = []): Promise<T> {
  const system = dialectOf(db) === 'postgres' ? DB_SYSTEM_NAME_VALUE_POSTGRESQL : DB_SYSTEM_NAME_VALUE_SQLITE;
  return inSpan('transaction', { kind: SpanKind.CLIENT, attributes: { [ATTR_DB_SYSTEM_NAME]: system }, links }, () => inStoreTransaction(db, work));
}
