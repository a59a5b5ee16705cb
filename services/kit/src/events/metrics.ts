import type { Knex } from 'knex';
import { Counter, Gauge } from 'prom-client';
import { outboxTable } from './migrations.js';
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
  help: 'Deliveries not handled: reason not_yet (prerequisite missing), error (handler failed) or store_unavailable',
  labelNames: ['consumer', 'event', 'reason'] as const,
});

export const eventsDeadLettered = new Counter({
  name: 'bookstore_events_dead_lettered_total',
  help: 'Events a durable consumer or a replay gave up on and moved to the dead-letter stream',
  labelNames: ['consumer', 'event'] as const,
});

const relayedOutboxes = new Set<{ readonly db: Knex }>();

/** Counted when scraped, over the outboxes of the relays running in this process. */
new Gauge({
  name: 'bookstore_outbox_pending',
  help: 'Events committed to the outbox and not yet published',
  async collect() {
    const databases = new Set([...relayedOutboxes].map((relay) => relay.db));
    let pending = 0;
    for (const db of databases) {
      const row = await db(outboxTable).count({ pending: '*' }).first().catch(() => undefined);
      pending += Number(row?.pending ?? 0);
    }
    this.set(pending);
  },
});

/** Includes `relay`'s outbox in bookstore_outbox_pending until the returned function is called. */
export function watchOutbox(relay: { readonly db: Knex }): () => void {
  relayedOutboxes.add(relay);
  return () => relayedOutboxes.delete(relay);
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

async function eventStreamSize(): Promise<StreamSize | undefined> {
  for (const source of streamSizeSources) {
    const size = await source().catch(() => undefined);
    if (size !== undefined) return size;
  }
  return undefined;
}

/**
 * Asked of the broker when scraped (one stream info request). The stream keeps every event
 * (mesh/README.md, "Event stream capacity"); no value while the broker cannot be asked.
 */
function streamSizeGauge(name: string, help: string, measure: (size: StreamSize) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['stream'] as const,
    async collect() {
      const size = await eventStreamSize();
      this.reset();
      if (size !== undefined) this.set({ stream: eventStream }, measure(size));
    },
  });
}

streamSizeGauge('bookstore_event_stream_messages', 'Events the event stream holds', (size) => size.messages);
streamSizeGauge('bookstore_event_stream_bytes', 'Bytes the event stream holds on the broker', (size) => size.bytes);
