import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Knex } from 'knex';
import { withCallContext } from '../context/call-context.js';
import { tracedTransaction } from '../db/traced-transaction.js';
import { type Logger } from '../log/log.js';
import { NotYet, type EventType, type ReceivedEvent } from './event.js';
import { publishDeadLetter } from './dead-letter.js';
import { handleInSpan } from './event-spans.js';
import { HandlerErrors } from './handler-errors.js';
import { eventsDeadLettered, eventsFailed, eventsHandled } from './metrics.js';
import { claimEvent, ProcessedEventsPruner } from './processed-events.js';
import { ReadLoop } from './read-loop.js';
import { eventCallContext, receivedEvent } from './received.js';
import { eventStream } from './streams.js';

export interface ConsumeOptions {
  /** The durable consumer's name, shared by every replica of the consuming service. */
  durable: string;
  events: readonly EventType<unknown>[];
  /** The store the handler changes; the processed-events table lives there too. */
  db: Knex;
  /** Changes state in `trx` only; throws NotYet when a prerequisite event has not arrived. */
  handle: (event: ReceivedEvent, trx: Knex.Transaction) => Promise<void>;
  /**
   * Handler errors an event gets before it is dead-lettered, however many deliveries it spent
   * waiting for its prerequisite (NotYet) or for the store before.
   */
  maxDeliver?: number;
  /**
   * Redelivery delay after the 1st, 2nd, … failed attempt; the last repeats. A handler error counts
   * the event's errors, a NotYet or an unavailable store its deliveries.
   */
  backoffMs?: readonly number[];
  /** How long a delivery may go unanswered (a crashed replica) before it is redelivered. */
  ackWaitMs?: number;
  /**
   * Deliveries an event waiting for its prerequisite (NotYet) gets before it is dead-lettered. No
   * event gets more than notYetLimit + maxDeliver deliveries: beyond that the earlier ones got no
   * answer (a handler that crashes the process), and the next is dead-lettered unhandled.
   */
  notYetLimit?: number;
  /** Called after a handled event's transaction committed (e.g. to nudge the outbox relay). */
  afterCommit?: () => void;
  /**
   * How long the record that an event was handled is kept for de-duplication; older records are
   * deleted at start and every hour (processed-events.ts says why a week is safe).
   */
  processedRetentionMs?: number;
}

export interface EventConsumer {
  /** Finishes the event in hand, returns the ones fetched but not started, and stops. */
  stop(): Promise<void>;
}

/**
 * What the service host runs with. Redelivery starts short: events cross subjects in any order, so
 * most retries are a prerequisite (NotYet) arriving a moment later. A handler error is mostly the
 * store (a dropped PostgreSQL connection, a failover), which takes longer: 11 error attempts on
 * this backoff span 33.7 s (0.2 + 0.5 + 1 + 2 + 6 × 5 s), so an event outlives a failover of
 * about 30 s before it is dead-lettered. The last step stays at 5 s so a poison event stays cheap.
 */
export const consumeDefaults = {
  maxDeliver: 11,
  backoffMs: [200, 500, 1_000, 2_000, 5_000],
  ackWaitMs: 30_000,
  notYetLimit: 60,
  processedRetentionMs: 7 * 24 * 60 * 60_000,
} as const;

/** The redelivery delay after failed attempt `attempt` (1 for the first) on `backoffMs`. */
export function redeliveryDelayMs(backoffMs: readonly number[], attempt: number): number {
  return backoffMs[Math.min(attempt, backoffMs.length) - 1] ?? 0;
}

/** Messages fetched ahead of the handler; few, so replicas share a burst. */
const prefetch = 16;
const restartDelayMs = 1_000;

/** One replica's share of a durable consumer: handles its events one at a time. */
export class DurableConsumer implements EventConsumer {
  private readonly types: ReadonlyMap<string, EventType<unknown>>;
  private readonly settings: Required<Pick<ConsumeOptions, 'maxDeliver' | 'backoffMs' | 'notYetLimit'>>;
  private readonly loop = new ReadLoop();
  private readonly errors = new HandlerErrors();
  private readonly pruner: ProcessedEventsPruner;

  constructor(
    private readonly js: JetStreamClient,
    private readonly isClosed: () => boolean,
    private readonly log: Logger,
    private readonly options: ConsumeOptions,
  ) {
    this.types = new Map(options.events.map((type) => [type.subject, type]));
    this.settings = {
      maxDeliver: options.maxDeliver ?? consumeDefaults.maxDeliver,
      backoffMs: options.backoffMs ?? consumeDefaults.backoffMs,
      notYetLimit: options.notYetLimit ?? consumeDefaults.notYetLimit,
    };
    this.pruner = new ProcessedEventsPruner(options.db, options.durable, options.processedRetentionMs ?? consumeDefaults.processedRetentionMs, log);
    this.pruner.start();
    this.loop.start(() => this.run());
  }

  async stop(): Promise<void> {
    await Promise.all([this.loop.stop(), this.pruner.stop()]);
  }

  private get durable(): string {
    return this.options.durable;
  }

  /** Keeps consuming across broker restarts until stopped. */
  private async run(): Promise<void> {
    while (!this.loop.isStopping() && !this.isClosed()) {
      try {
        const consumer = await this.js.consumers.get(eventStream, this.durable);
        const messages = this.loop.reading(await consumer.consume({ max_messages: prefetch }));
        for await (const msg of messages) {
          if (this.loop.isStopping()) msg.nak();
          else await this.deliver(msg).catch((error: unknown) => {
            this.log.error({ err: error, consumer: this.durable, subject: msg.subject }, 'event delivery not answered; the broker redelivers it');
          });
        }
      } catch (error) {
        if (!this.loop.isStopping()) this.log.warn({ err: error, consumer: this.durable }, 'event consumer interrupted; restarting');
      }
      await this.loop.pause(restartDelayMs);
    }
  }

  private async deliver(msg: JsMsg): Promise<void> {
    const type = this.types.get(msg.subject);
    if (type === undefined) {
      msg.ack();
      return;
    }
    let event: ReceivedEvent;
    try {
      event = receivedEvent(msg, type);
    } catch (error) {
      await this.giveUp(msg, errorText(error));
      return;
    }
    await handleInSpan(msg.headers, event, this.durable, () => withCallContext(eventCallContext(event), () => this.handle(msg, event)));
  }

  private async handle(msg: JsMsg, event: ReceivedEvent): Promise<void> {
    const { maxDeliver, notYetLimit } = this.settings;
    // A whole NotYet wait, then every error attempt: more deliveries mean answers went missing.
    const lastDelivery = notYetLimit + maxDeliver;
    if (event.deliveryCount > lastDelivery) {
      // The earlier deliveries got no answer: the replica died in the handler, or dead-lettering failed.
      await this.giveUp(msg, `not handled in ${lastDelivery} deliveries`);
      return;
    }
    const progress = { claimed: false, handled: false };
    try {
      await tracedTransaction(this.options.db, async (trx) => {
        progress.claimed = await claimEvent(trx, this.durable, event.id);
        if (!progress.claimed) return;
        await this.options.handle(event, trx);
        progress.handled = true;
      });
    } catch (error) {
      if (progress.claimed) await this.failed(msg, event, error);
      else this.storeUnavailable(msg, event, error);
      return;
    }
    msg.ack();
    this.errors.forget(event.streamSequence);
    if (progress.handled) {
      eventsHandled.inc({ consumer: this.durable, event: event.subject });
      // Per-event lines are checked first: with their level off they cost no object.
      if (this.log.isLevelEnabled('info')) this.log.info({ consumer: this.durable, event: event.type.name, eventId: event.id }, 'event handled');
      this.options.afterCommit?.();
    } else if (this.log.isLevelEnabled('debug')) this.log.debug({ consumer: this.durable }, 'event already processed; skipped');
  }

  private async failed(msg: JsMsg, event: ReceivedEvent, error: unknown): Promise<void> {
    if (error instanceof NotYet) {
      await this.notYet(msg, event, error);
      return;
    }
    eventsFailed.inc({ consumer: this.durable, event: event.subject, reason: 'error' });
    const errors = this.errors.add(event.streamSequence);
    if (errors >= this.settings.maxDeliver) {
      await this.giveUp(msg, errorText(error));
      return;
    }
    const delayMs = redeliveryDelayMs(this.settings.backoffMs, errors);
    this.log.warn({ err: error, consumer: this.durable, deliveries: event.deliveryCount, errors, delayMs }, 'event handler failed; redelivering');
    msg.nak(delayMs);
  }

  private async notYet(msg: JsMsg, event: ReceivedEvent, error: NotYet): Promise<void> {
    eventsFailed.inc({ consumer: this.durable, event: event.subject, reason: 'not_yet' });
    if (event.deliveryCount >= this.settings.notYetLimit) {
      await this.giveUp(msg, `prerequisite never arrived: ${error.message}`);
      return;
    }
    const delayMs = this.redeliveryDelay(event.deliveryCount);
    if (this.log.isLevelEnabled('debug')) this.log.debug({ consumer: this.durable, deliveries: event.deliveryCount, delayMs, reason: error.message }, 'event waits for its prerequisite');
    msg.nak(delayMs);
  }

  /**
   * The store failing before the handler ran says nothing about the event: it is redelivered, and
   * only the bound on deliveries (notYetLimit + maxDeliver) ends its wait.
   */
  private storeUnavailable(msg: JsMsg, event: ReceivedEvent, error: unknown): void {
    eventsFailed.inc({ consumer: this.durable, event: event.subject, reason: 'store_unavailable' });
    const delayMs = this.redeliveryDelay(event.deliveryCount);
    this.log.warn({ err: error, consumer: this.durable, deliveries: event.deliveryCount, delayMs }, 'store unavailable; redelivering the event');
    msg.nak(delayMs);
  }

  private async giveUp(msg: JsMsg, reason: string): Promise<void> {
    try {
      await publishDeadLetter(this.js, msg, this.durable, reason);
    } catch (error) {
      this.log.error({ err: error, consumer: this.durable }, 'cannot dead-letter an event; redelivering it');
      msg.nak(this.redeliveryDelay(msg.info.deliveryCount));
      return;
    }
    // Without a reason: servers before 2.11 ignore a term() that carries one.
    msg.term();
    this.errors.forget(msg.info.streamSequence);
    eventsDeadLettered.inc({ consumer: this.durable, event: msg.subject });
    this.log.error({ consumer: this.durable, subject: msg.subject, deliveries: msg.info.deliveryCount, reason }, 'event moved to dead letters');
  }

  private redeliveryDelay(deliveryCount: number): number {
    return redeliveryDelayMs(this.settings.backoffMs, deliveryCount);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
