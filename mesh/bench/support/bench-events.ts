import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { BookRegistered } from '#contracts/events/v1/catalog.js';
import { openDatabase, type Database } from '#kit/db/database.js';
import { connectEventBus, type EventBus } from '#kit/events/bus.js';
import { defineEvent, type EventType, type NewEvent } from '#kit/events/event.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { createLogger, type Logger } from '#kit/log/log.js';
import { createTestStore } from '#kit-testing/stores.js';
import { inFlight } from '../measure.js';
import type { Closers } from './closers.js';

const payload: BookRegistered = { bookId: 1, bookName: 'Bench Book', price: 1_200, stock: 100, revision: 1 };

/** The catalog's BookRegistered payload as an event of the benchmarks' own (bookstore.bench.<name>), which no service reads, routed to `consumer`. */
export function benchEventType(name: string, consumer?: string): EventType<BookRegistered> {
  return defineEvent('bench', name, BookRegistered, consumer === undefined ? [] : [consumer]);
}

export function benchEvent(type: EventType<BookRegistered>): NewEvent<BookRegistered> {
  return { type, payload, correlationId: 'book-1' };
}

/** The kit's side of an event benchmark: its bus (streams provisioned) and an SQLite store with its event tables. */
export interface KitEvents {
  log: Logger;
  bus: EventBus;
  db: Database;
}

export async function openKitEvents(natsUrl: string, closers: Closers): Promise<KitEvents> {
  const log = createLogger('bench', 'silent');
  const bus = closers.add(await connectEventBus({ url: natsUrl, name: 'bench-kit', log }), (opened) => opened.close());
  await bus.ensureStreams();
  const store = closers.add(await createTestStore('sqlite', 'bench-events'), (opened) => opened.drop());
  const db = closers.add(await openDatabase(store.url, eventMigrations), (opened) => opened.close());
  return { log, bus, db };
}

/** A plain JetStream connection, nothing of the kit's: the baselines' side. */
export interface RawJetStream {
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectRawJetStream(natsUrl: string, closers: Closers): Promise<RawJetStream> {
  const nc: NatsConnection = closers.add(await connect({ servers: natsUrl, name: 'bench-raw' }), (opened) => opened.drain());
  const jsm = await jetstreamManager(nc);
  return { js: jetstream(nc), jsm };
}

/** What the relay publishes, without the outbox: the event id as msgID and the lineage headers the kit reads back. */
export function rawPublish(js: JetStreamClient, subject: string): Promise<PubAck> {
  const eventHeaders = headers();
  eventHeaders.set('Bookstore-Event', 'BookRegistered');
  eventHeaders.set('Bookstore-Correlation-Id', 'book-1');
  eventHeaders.set('Bookstore-Occurred-At', new Date().toISOString());
  return js.publish(subject, BookRegistered.encode(payload).finish(), { msgID: randomUUID(), headers: eventHeaders });
}

/** Publishes `count` events on `subject`, as many in flight as the relay's batch. */
export async function publishMany(js: JetStreamClient, subject: string, count: number): Promise<void> {
  await inFlight(() => rawPublish(js, subject), relayBatch)(count);
}

/** The relay's default batch: rows read, and publishes in flight, per round trip. */
export const relayBatch = 200;
