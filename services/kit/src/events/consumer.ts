import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Knex } from 'knex';
import { withCallContext } from '../context/call-context.js';
import { tracedTransaction } from '../db/traced-transaction.js';
import { type Logger } from '../log/log.js';
import { NotYet, type EventType, type ReceivedEvent } from './event.js';
import { publishDeadLetter } from './dead-letter.js';
import { handleInSpan, publishLinks } from './event-spans.js';
import { HandlerErrors } from './handler-errors.js';
import { eventsDeadLettered, eventsFailed, eventsHandled } from './metrics.js';
import { claimEvent, claimEvents } from './processed-events.js';
import { ReadLoop } from './read-loop.js';
import { eventCallContext, receivedEvent } from './received.js';
import { eventNameOf, typesBySubject, type Layout } from './routes.js';
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

/**
 * Messages fetched ahead of the handler. Those already here are handled in one transaction, so a
 * backlog (a consumer catching up) costs one commit per batch instead of one per event; at light
 * load a batch is the one event that came.
 */
const prefetch = 128;
const restartDelayMs = 1_000;

/** An event ready for its handler, with the message it came in. */
interface Delivery {
  msg: JsMsg;
  event: ReceivedEvent;
}

/**
 * One replica's share of a durable consumer, reading the server's durable `reads` (the routed one,
 * or the legacy one of a deployment that had it: routes.ts) and the events of its layout. Events are recorded as handled under
 * `options.durable` whichever durable brought them, so each has its effect once.
 */
export class DurableConsumer implements EventConsumer {
  private readonly types: ReadonlyMap<string, EventType<unknown>>;
  private readonly settings: Required<Pick<ConsumeOptions, 'maxDeliver' | 'backoffMs' | 'notYetLimit'>>;
  private readonly loop = new ReadLoop();
  private readonly errors = new HandlerErrors();

  constructor(
    private readonly js: JetStreamClient,
    private readonly isClosed: () => boolean,
    private readonly log: Logger,
    private readonly options: ConsumeOptions,
    private readonly reads: { durable: string; layout: Layout },
  ) {
    this.types = typesBySubject(options.events, reads.layout);
    this.settings = {
      maxDeliver: options.maxDeliver ?? consumeDefaults.maxDeliver,
      backoffMs: options.backoffMs ?? consumeDefaults.backoffMs,
      notYetLimit: options.notYetLimit ?? consumeDefaults.notYetLimit,
    };
    this.loop.start(() => this.run());
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private get durable(): string {
    return this.options.durable;
  }

  /** Keeps consuming across broker restarts until stopped. */
  private async run(): Promise<void> {
    while (!this.loop.isStopping() && !this.isClosed()) {
      try {
        const consumer = await this.js.consumers.get(eventStream, this.reads.durable);
        const messages = this.loop.reading(await consumer.consume({ max_messages: prefetch }));
        for await (const batch of arrivedTogether(messages, prefetch)) {
          if (this.loop.isStopping()) {
            for (const msg of batch) msg.nak();
            continue;
          }
          await this.deliver(batch).catch((error: unknown) => {
            this.log.error({ err: error, consumer: this.durable }, 'event delivery not answered; the broker redelivers it');
          });
        }
      } catch (error) {
        if (!this.loop.isStopping()) this.log.warn({ err: error, consumer: this.durable }, 'event consumer interrupted; restarting');
      }
      await this.loop.pause(restartDelayMs);
    }
  }

  /** Answers every message of `batch`: the events to handle together, the others at once. */
  private async deliver(batch: readonly JsMsg[]): Promise<void> {
    let deliveries: Delivery[] = [];
    for (const msg of batch) {
      const event = await this.readable(msg);
      if (event !== undefined) deliveries.push({ msg, event });
    }
    while (deliveries.length > 1) {
      const failure = await this.handleTogether(deliveries);
      if (failure === undefined) return;
      const failed = failure.delivery;
      // The commit failed, or the store before any handler: each event alone says which.
      if (failed === undefined) break;
      await withCallContext(eventCallContext(failed.event), () => this.answerFailure(failed.msg, failed.event, failure.claimed, failure.error));
      deliveries = deliveries.filter((delivery) => delivery !== failed);
    }
    for (const { msg, event } of deliveries) await handleInSpan(msg.headers, event, this.durable, () => withCallContext(eventCallContext(event), () => this.handle(msg, event)));
  }

  /**
   * The message as an event to handle, or undefined once answered: another event (the legacy
   * durable reads the whole legacy layout on servers before 2.10), a message no replica could
   * handle, or one past its bound on deliveries.
   */
  private async readable(msg: JsMsg): Promise<ReceivedEvent | undefined> {
    const type = this.types.get(msg.subject);
    if (type === undefined) {
      msg.ack();
      return undefined;
    }
    let event: ReceivedEvent;
    try {
      event = receivedEvent(msg, type);
    } catch (error) {
      await this.giveUp(msg, errorText(error));
      return undefined;
    }
    // A whole NotYet wait, then every error attempt: more deliveries mean answers went missing.
    const lastDelivery = this.settings.notYetLimit + this.settings.maxDeliver;
    if (event.deliveryCount > lastDelivery) {
      // The earlier deliveries got no answer: the replica died in the handler, or dead-lettering failed.
      await withCallContext(eventCallContext(event), () => this.giveUp(msg, `not handled in ${lastDelivery} deliveries`));
      return undefined;
    }
    return event;
  }

  /**
   * Handles `deliveries` in one transaction, each recorded as handled in it, and acks them once it
   * committed: a crash before the commit leaves none handled, one after it leaves them recorded, so
   * their redelivery is skipped. When one fails, nothing is handled, and the failure says which
   * (none when the commit failed): that one is answered alone and the others tried again together.
   */
  private async handleTogether(deliveries: readonly Delivery[]): Promise<{ delivery: Delivery | undefined; claimed: boolean; error: unknown } | undefined> {
    const handled: Delivery[] = [];
    let current: { delivery: Delivery; claimed: boolean } | undefined;
    try {
      await tracedTransaction(
        this.options.db,
        async (trx) => {
          const claimed = await claimEvents(trx, this.durable, deliveries.map((delivery) => delivery.event.id));
          for (const delivery of deliveries) {
            if (!claimed.has(delivery.event.id)) continue;
            current = { delivery, claimed: true };
            const { msg, event } = delivery;
            await handleInSpan(msg.headers, event, this.durable, () => withCallContext(eventCallContext(event), () => this.options.handle(event, trx)));
            handled.push(delivery);
          }
          current = undefined;
        },
        publishLinks(deliveries.map((delivery) => delivery.msg)),
      );
    } catch (error) {
      return { delivery: current?.delivery, claimed: current?.claimed ?? false, error };
    }
    for (const { msg, event } of deliveries) {
      msg.ack();
      this.errors.forget(event.streamSequence);
    }
    for (const { event } of handled) this.handled(event);
    if (handled.length < deliveries.length && this.log.isLevelEnabled('debug')) this.log.debug({ consumer: this.durable, skipped: deliveries.length - handled.length }, 'events already processed; skipped');
    return undefined;
  }

  private handled(event: ReceivedEvent): void {
    eventsHandled.inc({ consumer: this.durable, event: event.subject });
    // Per-event lines are checked first: with their level off they cost no object.
    if (this.log.isLevelEnabled('info')) {
      withCallContext(eventCallContext(event), () => {
        this.log.info({ consumer: this.durable, event: event.type.name, eventId: event.id }, 'event handled');
      });
    }
    this.options.afterCommit?.();
  }

  private async handle(msg: JsMsg, event: ReceivedEvent): Promise<void> {
    const progress = { claimed: false, handled: false };
    try {
      await tracedTransaction(this.options.db, async (trx) => {
        progress.claimed = await claimEvent(trx, this.durable, event.id);
        if (!progress.claimed) return;
        await this.options.handle(event, trx);
        progress.handled = true;
      });
    } catch (error) {
      await this.answerFailure(msg, event, progress.claimed, error);
      return;
    }
    msg.ack();
    this.errors.forget(event.streamSequence);
    if (progress.handled) this.handled(event);
    else if (this.log.isLevelEnabled('debug')) this.log.debug({ consumer: this.durable }, 'event already processed; skipped');
  }

  /** A failure in the handler (the event was claimed), or of the store before it. */
  private async answerFailure(msg: JsMsg, event: ReceivedEvent, claimed: boolean, error: unknown): Promise<void> {
    if (claimed) await this.failed(msg, event, error);
    else this.storeUnavailable(msg, event, error);
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
    eventsDeadLettered.inc({ consumer: this.durable, event: eventNameOf(msg.subject) });
    this.log.error({ consumer: this.durable, subject: msg.subject, deliveries: msg.info.deliveryCount, reason }, 'event moved to dead letters');
  }

  private redeliveryDelay(deliveryCount: number): number {
    return redeliveryDelayMs(this.settings.backoffMs, deliveryCount);
  }
}

/**
 * The messages of `messages` in batches of those that arrived while the previous batch was handled,
 * at most `max`: one message at light load, a batch of `max` when a backlog is read. No more than
 * `max` wait here, so the client fetches no further ahead than it was asked to; those still
 * waiting when the reading ends are returned to the broker (nak).
 */
async function* arrivedTogether(messages: AsyncIterable<JsMsg>, max: number): AsyncGenerator<JsMsg[]> {
  const arrived: JsMsg[] = [];
  const reader: { done: boolean; failure: Error | undefined } = { done: false, failure: undefined };
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  const reading = (async () => {
    try {
      for await (const msg of messages) {
        arrived.push(msg);
        wake?.();
        if (arrived.length >= max) await new Promise<void>((resolve) => { resume = resolve; });
      }
    } catch (error) {
      reader.failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      reader.done = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (arrived.length === 0) {
        if (reader.done) break;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      const batch = arrived.splice(0, max);
      resume?.();
      resume = undefined;
      yield batch;
    }
  } finally {
    resume?.();
    await reading;
    for (const msg of arrived.splice(0)) msg.nak();
  }
  if (reader.failure !== undefined) throw reader.failure;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
