import type { Knex } from 'knex';
import type { ReceivedEvent } from '../events/event.js';
import { checkDeadlineBeforeCommit } from './commit-deadline.js';
import type { Database } from './database.js';
import { createdWith, isDuplicateKey, rememberCreated, type RequestKey } from './request-keys.js';
import { tracedTransaction } from './traced-transaction.js';

/**
 * What every service's store with an outbox shares: `transaction(work)` runs the use cases' work in
 * one transaction (store-transaction.ts) on the service's adapter (`within`), and once a transaction that recorded
 * events has committed, calls `onEventsCommitted` so the relay publishes them at once. A gRPC call's
 * work whose deadline passed meanwhile is rolled back (commit-deadline.ts).
 */
export abstract class OutboxStore<Tx extends { readonly recorded: boolean }> {
  constructor(
    protected readonly db: Database,
    /** Called after a commit that recorded events, so the relay publishes them at once. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(work, () => Promise.resolve());
  }

  /**
   * A create that a client may retry: with a key (request-keys.ts) it runs once, and a retry gets
   * what the first one made (`load(id)`), also when both ran at once (the loser's transaction rolls
   * back on the key's row). Without a key it is an ordinary transaction.
   */
  async createOnce<T extends { id: number }>(key: RequestKey | undefined, work: (tx: Tx) => Promise<T>, load: (id: number) => Promise<T | undefined>): Promise<T> {
    if (key === undefined) return this.transaction(work);
    const earlier = async (): Promise<T | undefined> => {
      const id = await createdWith(this.db.knex, key);
      return id === undefined ? undefined : load(id);
    };
    const made = await earlier();
    if (made !== undefined) return made;
    try {
      return await this.run(work, (trx, created) => rememberCreated(trx, key, created.id));
    } catch (error) {
      const winner = isDuplicateKey(error) ? await earlier() : undefined;
      if (winner === undefined) throw error;
      return winner;
    }
  }

  private async run<T>(work: (tx: Tx) => Promise<T>, beforeCommit: (trx: Knex.Transaction, result: T) => Promise<void>): Promise<T> {
    const done = await tracedTransaction(this.db.knex, async (trx) => {
      const tx = this.within(trx);
      const result = await work(tx);
      await beforeCommit(trx, result);
      checkDeadlineBeforeCommit();
      return { result, recorded: tx.recorded };
    });
    if (done.recorded) this.onEventsCommitted();
    return done.result;
  }

  /** The use cases' view of a knex transaction: the store's own, or one an event consumer opened to handle `cause`. */
  abstract within(trx: Knex.Transaction, cause?: ReceivedEvent): Tx;
}
