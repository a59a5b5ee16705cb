import type { Knex } from 'knex';
import { Counter, Gauge } from 'prom-client';
import { backlogGauges, type Backlog } from '../admin/backlog-gauges.js';
import { sharedReading } from '../admin/shared-reading.js';
import { EventHeader } from './headers.js';
import { outboxTable } from './migrations.js';
import type { OutboxRow } from './outbox.js';
import { eventStream } from './streams.js';

export const eventsPublished = new Counter({
  name: 'bookstore_events_published_total',
  help: 'Events the outbox relay stored in the event stream (re-publishes the stream dropped as duplicates not counted)',
  labelNames: ['event'] as const,
});

export const eventsHandled = new Counter({
  name: 'bookstore_events_handled_total',
  help: 'Events a durable consumer handled and committed',
  labelNames: ['consumer', 'event'] as const,
});

export const eventsFailed = new Counter({
  name: 'bookstore_events_failed_total',
  help: 'Deliveries not handled: reason not_yet (prerequisite missing), error (handler failed), store_unavailable or malformed (a replay could not decode it)',
  labelNames: ['consumer', 'event', 'reason'] as const,
});

export const eventsDeadLettered = new Counter({
  name: 'bookstore_events_dead_lettered_total',
  help: 'Events a durable consumer or a replay gave up on and moved to the dead-letter stream',
  labelNames: ['consumer', 'event'] as const,
});

/** Counted when scraped, over the outboxes of the relays running in this process. */
const watchOutboxBacklog = backlogGauges({
  count: { name: 'bookstore_outbox_pending', help: 'Events committed to the outbox and not yet published' },
  oldestAge: { name: 'bookstore_outbox_oldest_age_seconds', help: 'How long the oldest event in the outbox has waited to be published; 0 when none waits' },
});

/** A count and the first row by sequence, whose recorded time is its event's. */
async function outboxBacklog(db: Knex): Promise<Backlog> {
  const row = await db(outboxTable).count({ pending: '*' }).first();
  const oldest = await db<OutboxRow>(outboxTable).orderBy('sequence').first('headers');
  return { count: Number(row?.pending ?? 0), oldestAt: oldest === undefined ? undefined : recordedAtOf(oldest.headers) };
}

function recordedAtOf(headers: string): number | undefined {
  const text = (JSON.parse(headers) as Record<string, string | undefined>)[EventHeader.occurredAt];
  const at = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** Includes `relay`'s outbox in the outbox gauges until the returned function is called. */
export function watchOutbox(relay: { readonly db: Knex }): () => void {
  return watchOutboxBacklog(relay.db, () => outboxBacklog(relay.db));
}

/** How much the event stream holds on the broker. */
export interface StreamSize {
  messages: number;
  bytes: number;
}

/** Where the stream's size is asked for: the event buses open in this process (a service has one). */
const streamSizeSources = new Set<() => Promise<StreamSize | undefined>>();

/** Includes `source` in the stream size gauges until the returned function is called. */
export function watchEventStream(source: () => Promise<StreamSize | undefined>): () => void {
  streamSizeSources.add(source);
  return () => streamSizeSources.delete(source);
}

/** One stream info request for both gauges of a scrape. */
const eventStreamSize = sharedReading(async (): Promise<StreamSize | undefined> => {
  for (const source of streamSizeSources) {
    const size = await source().catch(() => undefined);
    if (size !== undefined) return size;
  }
  return undefined;
});

/**
 * A gauge per label value of one reading, set when scraped: what the reading lacks shows no value.
 * The readings below ask the broker, so a broker that cannot be asked leaves these gauges empty.
 */
function readingGauge<T>(name: string, help: string, label: string, reading: () => Promise<ReadonlyMap<string, T>>, measure: (value: T) => number): void {
  new Gauge({
    name,
    help,
    labelNames: [label],
    async collect() {
      const values = await reading();
      this.reset();
      for (const [labelValue, value] of values) this.set({ [label]: labelValue }, measure(value));
    },
  });
}

/** The stream keeps every event (mesh/README.md, "Event stream capacity"). */
const eventStreamSizes = async (): Promise<ReadonlyMap<string, StreamSize>> => {
  const size = await eventStreamSize();
  return new Map(size === undefined ? [] : [[eventStream, size]]);
};
readingGauge('bookstore_event_stream_messages', 'Events the event stream holds', 'stream', eventStreamSizes, (size: StreamSize) => size.messages);
readingGauge('bookstore_event_stream_bytes', 'Bytes the event stream holds on the broker', 'stream', eventStreamSizes, (size: StreamSize) => size.bytes);

/** What the broker says of a durable consumer: messages not yet delivered, and delivered not yet acknowledged. */
export interface ConsumerLag {
  pending: number;
  ackPending: number;
}

/** Durable consumers this process consumes, and how to ask the broker about each. */
const consumerLagSources = new Set<{ readonly durable: string; readonly lag: () => Promise<ConsumerLag> }>();

/**
 * Includes durable consumer `durable` in the consumer lag gauges until the returned function is
 * called: while this process's event bus is open, so the lag still shows while the consumer is stopped.
 */
export function watchConsumerLag(durable: string, lag: () => Promise<ConsumerLag>): () => void {
  const source = { durable, lag };
  consumerLagSources.add(source);
  return () => consumerLagSources.delete(source);
}

/**
 * One consumer info request per durable consumer, at most once a second however often /metrics is
 * read; no value for a consumer the broker cannot answer about.
 */
const consumerLags = sharedReading(async (): Promise<ReadonlyMap<string, ConsumerLag>> => {
  const lags = new Map<string, ConsumerLag>();
  for (const { durable, lag } of consumerLagSources) {
    if (lags.has(durable)) continue;
    const answer = await lag().catch(() => undefined);
    if (answer !== undefined) lags.set(durable, answer);
  }
  return lags;
}, 1_000);

readingGauge('bookstore_consumer_pending_messages', 'Events in the stream a durable consumer has not been delivered yet (JetStream num_pending)', 'consumer', consumerLags, (lag: ConsumerLag) => lag.pending);
readingGauge('bookstore_consumer_ack_pending_messages', 'Events delivered to a durable consumer and not yet acknowledged (JetStream num_ack_pending)', 'consumer', consumerLags, (lag: ConsumerLag) => lag.ackPending);
