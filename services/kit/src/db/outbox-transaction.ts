import type { Knex } from 'knex';
import type { NewEvent, ReceivedEvent } from '../events/event.js';
import { recordEvents } from '../events/outbox.js';
import type { Dialect } from './database.js';
import { hotStatements, type HotStatements } from './store-transaction.js';

/**
 * What every service's transaction adapter shares: it records the use cases' domain events in the
 * outbox, in the knex transaction that changes their state, and locks rows where the store has row
 * locks. A service's adapter extends it with its own tables and its events' wire form.
 */
export abstract class OutboxTransaction<E> {
  /** Whether events were recorded, so that the commit nudges the relay. */
  recorded = false;

  constructor(
    protected readonly trx: Knex.Transaction,
    private readonly dialect: Dialect,
    /** The event being handled when a consumer opened the transaction: the new events' cause. */
    private readonly cause?: ReceivedEvent,
  ) {}

  /** One domain event as it goes on the wire. */
  protected abstract toNewEvent(event: E): NewEvent;

  async record(events: readonly E[]): Promise<void> {
    if (events.length === 0) return;
    await recordEvents(this.trx, events.map((event) => this.toNewEvent(event)), this.cause);
    this.recorded = true;
  }

  /** The transaction's prepared statements, for the few a service runs on its hot paths. */
  protected get statements(): HotStatements {
    return hotStatements(this.trx);
  }

  /** A hot statement's select `sql`, locking the rows it reads until the transaction ends (as forUpdate). */
  protected lockingSql(sql: string): string {
    return this.dialect === 'postgres' ? `${sql} for update` : sql;
  }

  /** `query`, locking the rows it reads until the transaction ends. */
  protected forUpdate<TRecord extends object, TResult>(query: Knex.QueryBuilder<TRecord, TResult>): Knex.QueryBuilder<TRecord, TResult> {
    // SQLite has one writer at a time, so the transaction itself is the lock there.
    return this.dialect === 'postgres' ? query.forUpdate() : query;
  }
}
