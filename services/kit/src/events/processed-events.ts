import type { Knex } from 'knex';
import { dialectOf } from '../db/database.js';
import { hotStatements } from '../db/store-transaction.js';
import type { Logger } from '../log/log.js';
import { processedEventsTable } from './migrations.js';

/**
 * The processed-events table makes a handler's effect exactly-once. A row only has to outlive the
 * ways its event can come to the consumer again, so each consumer deletes its rows older than a
 * retention (a week by default):
 * - JetStream never redelivers an acked message; an unacked one (the ack was lost) comes back within
 *   the consumer's bound on deliveries, ackWait and backoff apart: well under an hour;
 * - the relay re-publishes an event it published but could not delete from its outbox; the stream
 *   drops that copy within its two-minute duplicate window, and a copy comes later only when the
 *   relay's process or store stayed down that long.
 * A week is far longer than both. A durable consumer deleted and created again (deleteConsumer)
 * reads the stream from its start, and handles again the events older than the retention.
 */

/**
 * Marks event `eventId` processed by consumer `durable` in the handler's transaction; false when it
 * already was (a redelivery), so the handler must be skipped. Inserting first makes a concurrent
 * delivery of the same event wait for this transaction on PostgreSQL instead of handling it too.
 */
export async function claimEvent(trx: Knex.Transaction, durable: string, eventId: string): Promise<boolean> {
  return (await claimEvents(trx, durable, [eventId])).has(eventId);
}

/**
 * claimEvent for several events in one statement: the ids of those not processed before, which are
 * now marked processed in `trx`; the others must be skipped.
 */
export async function claimEvents(trx: Knex.Transaction, durable: string, eventIds: readonly string[]): Promise<ReadonlySet<string>> {
  if (eventIds.length === 0) return new Set();
  // One plain multi-row VALUES statement: knex writes a multi-row insert on SQLite as a UNION ALL
  // of selects, which costs several times as much per row.
  const values = eventIds.map(() => '(?, ?)').join(', ');
  const rows = await hotStatements(trx).rows<{ event_id: string }>(
    `insert into ${processedEventsTable} (consumer, event_id) values ${values} on conflict (consumer, event_id) do nothing returning event_id`,
    eventIds.flatMap((eventId) => [durable, eventId]),
  );
  return new Set(rows.map((row) => row.event_id));
}

/** Deletes the rows of consumer `durable` processed more than `retentionMs` ago (by the store's clock); returns how many. */
export async function pruneProcessedEvents(db: Knex, durable: string, retentionMs: number): Promise<number> {
  const seconds = Math.floor(retentionMs / 1_000);
  const cutoff =
    dialectOf(db) === 'postgres'
      ? db.raw('now() - make_interval(secs => ?)', [seconds])
      : db.raw("datetime('now', ?)", [`-${String(seconds)} seconds`]);
  return db(processedEventsTable).where('consumer', durable).where('processed_at', '<', cutoff).delete();
}

const pruneIntervalMs = 60 * 60_000;

/** Prunes one consumer's processed events when started, then every hour, until stopped. */
export class ProcessedEventsPruner {
  private timer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: Knex,
    private readonly durable: string,
    private readonly retentionMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Stops the timer and waits for a prune in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pruning;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.pruning = this.prune().finally(() => {
        if (!this.stopped) this.schedule(pruneIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async prune(): Promise<void> {
    try {
      const deleted = await pruneProcessedEvents(this.db, this.durable, this.retentionMs);
      if (deleted > 0) this.log.info({ consumer: this.durable, deleted, retentionMs: this.retentionMs }, 'processed events pruned');
    } catch (error) {
      this.log.warn({ err: error, consumer: this.durable }, 'cannot prune processed events; trying again later');
    }
  }
}
