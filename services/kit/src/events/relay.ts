import type { Knex } from 'knex';
import { dialectOf } from '../db/database.js';
import type { Logger } from '../log/log.js';
import type { EventBus } from './bus.js';
import { publishInSpan } from './event-spans.js';
import { EventHeader } from './headers.js';
import { watchOutbox } from './metrics.js';
import { outboxTable } from './migrations.js';
import type { OutboxRow } from './outbox.js';

export interface OutboxRelayOptions {
  db: Knex;
  bus: Pick<EventBus, 'publish' | 'isConnected'>;
  log: Logger;
  /** How often to look for events nobody nudged about (another replica's, or after an outage). */
  pollIntervalMs?: number;
  /** Events read and published per round trip. */
  batchSize?: number;
}

/**
 * Publishes the outbox to the event stream, oldest first, and deletes what the stream stored. A
 * crash between publish and delete re-publishes, and the stream drops the copy by event id.
 */
export class OutboxRelay {
  readonly db: Knex;
  private readonly bus: OutboxRelayOptions['bus'];
  private readonly log: Logger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly holdsTransaction: boolean;
  private rounds: Promise<unknown> = Promise.resolve();
  private nudged = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  private unwatch: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.bus = options.bus;
    this.log = options.log;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 200;
    this.holdsTransaction = dialectOf(options.db) === 'postgres';
  }

  start(): void {
    if (this.stopped || this.unwatch !== undefined) return;
    this.unwatch = watchOutbox(this);
    this.poll(0);
  }

  /** Publishes soon; call after committing a transaction that recorded events. */
  nudge(): void {
    if (this.stopped || this.nudged) return;
    this.nudged = true;
    void this.exclusive(() => {
      this.nudged = false;
      return this.publishLogged();
    });
  }

  /** Publishes every event pending now; returns how many were stored (or re-stored) in the stream. */
  flush(): Promise<number> {
    return this.exclusive(() => this.publishPending());
  }

  /**
   * Stops polling, then publishes what is pending for up to `flushWithinMs`: events committed just
   * before a shutdown leave with it. What is still pending then (the broker is down, the time ran
   * out) stays in the outbox for another replica's relay or the next start.
   */
  async stop(flushWithinMs = defaultFlushWithinMs): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const outcome = await within(this.exclusive(() => this.publishPending()), flushWithinMs);
    this.unwatch?.();
    if (outcome === timedOut) this.log.warn({ flushWithinMs }, 'outbox not flushed in time at stop; what is left waits in the outbox');
    else if (outcome instanceof Error) this.log.warn({ err: outcome }, 'outbox not flushed at stop; what is left waits in the outbox');
    else this.log.info({ published: outcome }, 'outbox flushed at stop');
  }

  private poll(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.exclusive(() => this.publishLogged()).finally(() => {
        if (!this.stopped) this.poll(this.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One round at a time in this process, so a nudge and a poll do not publish the same rows. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const round = this.rounds.then(work);
    this.rounds = round.catch(() => undefined);
    return round;
  }

  private async publishLogged(): Promise<void> {
    try {
      await this.publishPending();
      if (this.failing) this.log.info('outbox relay publishing again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'outbox relay cannot publish; events wait in the outbox');
      this.failing = true;
    }
  }

  private async publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      if (!this.bus.isConnected()) throw new Error('not connected to NATS');
      const batch = await this.publishBatch();
      total += batch;
      if (batch < this.batchSize) return total;
    }
  }

  /**
   * On PostgreSQL, relays of several replicas take turns under a transaction-scoped advisory lock:
   * with SKIP LOCKED instead, a second relay would publish a later batch while the first is still
   * publishing an earlier one. SQLite has one connection per process, which a transaction would
   * hold through every publish; there a relay publishes, then deletes, and a batch two relays both
   * read is stored once thanks to the stream's de-duplication.
   */
  private publishBatch(): Promise<number> {
    if (!this.holdsTransaction) return this.publishOldest(this.db);
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [outboxTable]);
      return this.publishOldest(trx);
    });
  }

  /** Publishes the oldest batch in order and deletes the events the stream stored, up to the first failure. */
  private async publishOldest(db: Knex | Knex.Transaction): Promise<number> {
    const rows = await db<OutboxRow>(outboxTable)
      .select('sequence', 'event_id', 'subject', 'payload', 'headers', 'trace_context')
      .orderBy('sequence')
      .limit(this.batchSize);
    if (rows.length === 0) return 0;
    const outcomes = await Promise.allSettled(
      rows.map((row) => {
        const headers = parseHeaders(row.headers);
        const event = { id: row.event_id, subject: row.subject, correlationId: headers[EventHeader.correlationId] };
        return publishInSpan(event, row.trace_context, (trace) => this.bus.publish({ id: row.event_id, subject: row.subject, payload: row.payload, headers: { ...headers, ...trace } }));
      }),
    );
    const firstFailure = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    const stored = firstFailure === -1 ? rows : rows.slice(0, firstFailure);
    if (stored.length > 0) {
      await db(outboxTable)
        .whereIn('sequence', stored.map((row) => row.sequence))
        .delete();
    }
    const failure = outcomes[firstFailure];
    if (failure?.status === 'rejected') throw failure.reason;
    return stored.length;
  }
}

const defaultFlushWithinMs = 5_000;
const timedOut = Symbol('timed out');

/** What `work` gives, or how it failed, or timedOut after `ms`; `work` is not cancelled. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | Error | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => { resolve(timedOut); }, ms);
  });
  const settled = work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function parseHeaders(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}
