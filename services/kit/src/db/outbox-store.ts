import type { Knex } from 'knex';
import type { ReceivedEvent } from '../events/event.js';
import { checkDeadlineBeforeCommit } from './commit-deadline.js';
import type { Database } from './database.js';

/**
 * What every service's store with an outbox shares: `transaction(work)` runs the use cases' work in
 * one knex transaction on the service's adapter (`within`), and once a transaction that recorded
 * events has committed, calls `onEventsCommitted` so the relay publishes them at once. A gRPC call's
 * work whose deadline passed meanwhile is rolled back (commit-deadline.ts).
 */
export abstract class OutboxStore<Tx extends { readonly recorded: boolean }> {
  constructor(
    protected readonly db: Database,
    /** Called after a commit that recorded events, so the relay publishes them at once. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const done = await this.db.knex.transaction(async (trx) => {
      const tx = this.within(trx);
      const result = await work(tx);
      checkDeadlineBeforeCommit();
      return { result, recorded: tx.recorded };
    });
    if (done.recorded) this.onEventsCommitted();
    return done.result;
  }

  /** The use cases' view of a knex transaction: the store's own, or one an event consumer opened to handle `cause`. */
  abstract within(trx: Knex.Transaction, cause?: ReceivedEvent): Tx;
}
