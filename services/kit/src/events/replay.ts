import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { context, type Context } from '@opentelemetry/api';
import type { Knex } from 'knex';
import { asNumber } from '../db/columns.js';
import type { Migration } from '../db/database.js';
import { withCallContext } from '../context/call-context.js';
import { tracedTransaction } from '../db/traced-transaction.js';
import { type Logger } from '../log/log.js';
import { publishDeadLetter } from './dead-letter.js';
import type { EventType, ReceivedEvent } from './event.js';
import { handleInSpan, publishLinks } from './event-spans.js';
import { eventsDeadLettered, eventsFailed, eventsHandled } from './metrics.js';
import { ReadLoop } from './read-loop.js';
import { eventCallContext, MalformedEvent, receivedEvent } from './received.js';
import { StuckEvent, type Poison } from './replay-poison.js';
import { eventNameOf, routedName, typesBySubject, type Layout } from './routes.js';
import { eventStream } from './streams.js';

/**
 * A replay reads the event stream into a store of one replica alone (a read model kept per replica):
 * every replica sees every event, unlike a durable consumer whose replicas share the events. The
 * store keeps the last stream sequence it applied, written in the same transaction as the events'
 * effects, so a replica resumes exactly where its store stopped and an empty store starts at the
 * beginning of the stream. Nothing is kept on the broker: the reader is an ordered consumer that
 * the server forgets once the replica is gone.
 */

/** Where each reader keeps the last stream sequence it applied. */
export const replayPositionsTable = 'kit_replay_positions';

/** The positions table; a service with replays lists these with its migrations. */
export const replayMigrations: Migration[] = [
  {
    name: 'kit/replay-positions',
    async up(db) {
      await db.schema.createTable(replayPositionsTable, (table) => {
        table.string('reader', 255).primary();
        table.bigInteger('sequence').notNullable();
      });
    },
  },
];

export interface ReplayOptions {
  /** The reader's name: the key of its position in `db`, and its name in logs and metrics. */
  name: string;
  events: readonly EventType<unknown>[];
  /** The store the events are applied to; the position lives there too. */
  db: Knex;
  /**
   * Applies one event in `trx`. Events come in stream order, each once per store; a failure rolls
   * the transaction back and the reader tries again from the stored position, so the effect must
   * not depend on a prerequisite arriving later (there is no redelivery of one event alone).
   */
  apply: (event: ReceivedEvent, trx: Knex.Transaction) => Promise<void>;
  /**
   * Failed attempts in a row at one event before it is moved to the dead-letter stream
   * (`deadletter.<name>.<subject>`) and passed over, so the read model goes on; a rebuild applies it again.
   */
  poisonAfter?: number;
  /** Events applied in one transaction when several are waiting (catching up, rebuilding). */
  batchSize?: number;
  /** Pause after the 1st, 2nd, … failed attempt before reading again; the last repeats. */
  retryDelayMs?: readonly number[];
}

export interface StreamReplay {
  /** Resolves once the store holds every event the stream had when the reader started; rejects if stopped first. */
  caughtUp(): Promise<void>;
  /** Finishes the transaction in hand and stops. */
  stop(): Promise<void>;
}

/**
 * The server sends a heartbeat this often while the reader waits for events; two missed say its
 * ordered consumer is gone (the node that held it died, without this connection noticing).
 */
const heartbeatMs = 2_000;

/** What the reader's messages report when the server-side consumer is lost. */
const consumerLost = new Set(['heartbeats_missed', 'consumer_deleted', 'consumer_not_found']);

export const replayDefaults = {
  batchSize: 250,
  retryDelayMs: [200, 1_000, 5_000],
  poisonAfter: 5,
} as const;

/** The last stream sequence reader `name` applied to `db`; 0 when it has applied nothing. */
export async function replayPosition(db: Knex | Knex.Transaction, name: string): Promise<number> {
  const row = await db<{ reader: string; sequence: unknown }>(replayPositionsTable).where({ reader: name }).first();
  return row === undefined ? 0 : asNumber(row.sequence);
}

/** Makes reader `name` start from the beginning of the stream, routed and legacy events alike (routes.ts): with the read model wiped, a rebuild. */
export async function forgetReplayPosition(db: Knex | Knex.Transaction, name: string): Promise<void> {
  await db(replayPositionsTable).whereIn('reader', [name, routedName(name)]).delete();
}

/** Reads the stream into one store; see the top of this file. Built by EventBus.replay. */
export class StreamReader implements StreamReplay {
  private readonly types: ReadonlyMap<string, EventType<unknown>>;
  private readonly batchSize: number;
  private readonly retryDelayMs: readonly number[];
  private readonly loop = new ReadLoop();
  private readonly stuck: StuckEvent;
  private readonly reachedEnd: Promise<void>;
  private markCaughtUp: () => void = () => undefined;
  private markStopped: (error: Error) => void = () => undefined;

  constructor(
    private readonly js: JetStreamClient,
    /** The server-side filter; undefined reads every subject (servers before 2.10 filter one subject only). */
    private readonly filterSubjects: string | string[] | undefined,
    private readonly isClosed: () => boolean,
    private readonly log: Logger,
    private readonly options: ReplayOptions,
    /** The key of this reader's position in the store, and the layout it reads (routes.ts). */
    private readonly reads: { position: string; layout: Layout },
    /** Registers a call for each time the broker connection is restored. */
    onReconnect: (listener: () => void) => void,
  ) {
    this.types = typesBySubject(options.events, reads.layout);
    this.batchSize = options.batchSize ?? replayDefaults.batchSize;
    this.retryDelayMs = options.retryDelayMs ?? replayDefaults.retryDelayMs;
    this.stuck = new StuckEvent(options.poisonAfter ?? replayDefaults.poisonAfter);
    this.reachedEnd = new Promise<void>((resolve, reject) => {
      this.markCaughtUp = () => {
        this.markCaughtUp = () => undefined;
        this.log.info({ reader: this.name }, 'stream replay caught up');
        resolve();
      };
      this.markStopped = reject;
    });
    // Nobody may be waiting for it; a rejection here must not crash the process.
    this.reachedEnd.catch(() => undefined);
    // A restarted server has forgotten the ordered consumer, which would notice only after missing
    // heartbeats (most of a minute): read again from the stored position at once instead.
    onReconnect(() => {
      this.log.info({ reader: this.name }, 'broker connection restored; the replay reads again from its stored position');
      this.loop.interrupt();
    });
    this.loop.start(() => this.run());
  }

  caughtUp(): Promise<void> {
    return this.reachedEnd;
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private get name(): string {
    return this.options.name;
  }

  /** Reads from the stored position until stopped; after a failure, reads again from the position then stored. */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.loop.isStopping() && !this.isClosed()) {
      try {
        await this.readFromPosition();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (!this.loop.isStopping()) this.log.warn({ err: error, reader: this.name, failures }, 'stream replay interrupted; reading again from the stored position');
      }
      const delayMs = this.retryDelayMs[Math.max(0, Math.min(failures, this.retryDelayMs.length) - 1)] ?? 0;
      await this.loop.pause(delayMs);
    }
    this.markStopped(new Error(`stream replay ${this.name} stopped before it caught up`));
  }

  private async readFromPosition(): Promise<void> {
    const from = (await replayPosition(this.options.db, this.reads.position)) + 1;
    const consumer = await this.js.consumers.get(eventStream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      ...(this.filterSubjects === undefined ? {} : { filter_subjects: this.filterSubjects }),
    });
    // What the stream holds for this reader now; caught up once that many are applied.
    let behind = (await consumer.info(true)).num_pending;
    if (behind === 0) this.markCaughtUp();
    const messages = this.loop.reading(await consumer.consume({ max_messages: this.batchSize, idle_heartbeat: heartbeatMs }));
    void this.readAgainWhenLost(messages);
    try {
      let batch: JsMsg[] = [];
      for await (const msg of messages) {
        batch.push(msg);
        if (batch.length < this.batchSize && msg.info.pending > 0) continue;
        await this.applyBatch(batch);
        behind -= batch.length;
        batch = [];
        if (behind <= 0 || msg.info.pending === 0) this.markCaughtUp();
        if (this.loop.isStopping()) return;
      }
    } finally {
      await messages.close();
      // The server would drop it after a few idle minutes; a reader that moves on says so at once.
      await consumer.delete().catch(() => false);
    }
  }

  /**
   * A lost server-side consumer would be re-created by the client only after a long wait (its
   * next pull's expiry); reading again from the stored position makes a new one at once.
   */
  private async readAgainWhenLost(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (consumerLost.has(status.type)) {
        this.log.info({ reader: this.name, status: status.type }, 'the broker lost the replay\'s consumer; reading again from the stored position');
        this.loop.interrupt();
        return;
      }
    }
  }

  /**
   * Applies `batch` in one transaction with the position of its last message. A poison event is
   * published to the dead letters before that position commits: if the commit fails, it is
   * published again, and the dead-letter stream keeps one copy (its msgID is reader and position).
   */
  private async applyBatch(batch: readonly JsMsg[]): Promise<void> {
    const last = batch[batch.length - 1];
    if (last === undefined) return;
    // Each with the context of its handling span, so its log line carries its trace.
    const applied: { event: ReceivedEvent; trace: Context }[] = [];
    const deadLettered: { event: ReceivedEvent; poison: Poison }[] = [];
    await tracedTransaction(this.options.db, async (trx) => {
      const position = await replayPosition(trx, this.reads.position);
      for (const msg of batch) {
        if (msg.info.streamSequence <= position) continue;
        const event = this.eventOf(msg);
        if (event === undefined) continue;
        const poison = this.stuck.poison(msg.info.streamSequence);
        if (poison === undefined) {
          await handleInSpan(msg.headers, event, this.name, async () => {
            await this.applyOne(event, trx);
            applied.push({ event, trace: context.active() });
          });
        } else {
          await publishDeadLetter(this.js, msg, this.name, poison.reason, poison.failures);
          deadLettered.push({ event, poison });
        }
      }
      await trx(replayPositionsTable)
        .insert({ reader: this.reads.position, sequence: Math.max(position, last.info.streamSequence) })
        .onConflict('reader')
        .merge();
    }, publishLinks(batch));
    this.stuck.passed(last.info.streamSequence);
    for (const { event, poison } of deadLettered) {
      eventsDeadLettered.inc({ consumer: this.name, event: event.subject });
      withCallContext(eventCallContext(event), () => {
        this.log.error({ reader: this.name, sequence: event.streamSequence, subject: event.subject, ...poison }, 'event moved to dead letters; the replay goes on past it');
      });
    }
    // Per-event lines are checked first: with info off they cost no object and no call context.
    const logEach = this.log.isLevelEnabled('info');
    for (const { event, trace } of applied) {
      eventsHandled.inc({ consumer: this.name, event: event.subject });
      if (!logEach) continue;
      context.with(trace, () => {
        withCallContext({ correlationId: event.correlationId, eventId: event.id }, () => {
          this.log.info({ reader: this.name, event: event.type.name }, 'event applied');
        });
      });
    }
  }

  private async applyOne(event: ReceivedEvent, trx: Knex.Transaction): Promise<void> {
    const context = eventCallContext(event);
    try {
      await withCallContext(context, () => this.options.apply(event, trx));
    } catch (error) {
      eventsFailed.inc({ consumer: this.name, event: event.subject, reason: 'error' });
      const failures = this.stuck.failed(event.streamSequence, error);
      const next = failures < this.stuck.limit ? 'the replay stops here and tries again' : 'it is dead-lettered at the next attempt';
      this.log.error({ err: error, reader: this.name, sequence: event.streamSequence, subject: event.subject, failures, ...context }, `event not applied; ${next}`);
      throw error;
    }
  }

  /**
   * The message as an event of this reader, or undefined to pass over it: another event (the legacy
   * reader reads the whole legacy layout on servers before 2.10), or a message no replica could ever apply.
   */
  private eventOf(msg: JsMsg): ReceivedEvent | undefined {
    const type = this.types.get(msg.subject);
    if (type === undefined) return undefined;
    try {
      return receivedEvent(msg, type);
    } catch (error) {
      if (!(error instanceof MalformedEvent)) throw error;
      eventsFailed.inc({ consumer: this.name, event: eventNameOf(msg.subject), reason: 'malformed' });
      this.log.error({ err: error, reader: this.name, sequence: msg.info.streamSequence, subject: msg.subject }, 'malformed event passed over');
      return undefined;
    }
  }
}
