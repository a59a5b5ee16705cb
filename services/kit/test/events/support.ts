import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { register } from 'prom-client';
import { OrderCancelled, OrderPlaced } from '#contracts/events/v1/order.js';
import { readConfig } from '#kit/config/config.js';
import { openDatabase, type Database, type Knex, type Migration } from '#kit/db/database.js';
import { connectEventBus, type EventBus } from '#kit/events/bus.js';
import { defineEvent, type NewEvent } from '#kit/events/event.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordEvents } from '#kit/events/outbox.js';
import { routedName } from '#kit/events/routes.js';
import { eventStream } from '#kit/events/streams.js';
import { createLogger, logLevels, type Logger } from '#kit/log/log.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import { createTestStore, type StoreKind } from '#kit-testing/stores.js';
import type { TestDatabase } from '#kit-testing/postgres.js';

export const orderPlaced = defineEvent('order', 'OrderPlaced', OrderPlaced);
export const orderCancelled = defineEvent('order', 'OrderCancelled', OrderCancelled);

export const log: Logger = createLogger('events-test', readConfig((read) => read.oneOf('LOG_LEVEL', logLevels, 'silent')));

export function placed(orderId: number): NewEvent {
  return {
    type: orderPlaced,
    payload: OrderPlaced.fromPartial({ orderId, customerId: 7, bookId: 3, quantity: 1, deliveryAddress: 'Seoul' }),
    correlationId: String(orderId),
  };
}

export function cancelled(orderId: number): NewEvent {
  return { type: orderCancelled, payload: OrderCancelled.fromPartial({ orderId }), correlationId: String(orderId) };
}

/** What a test handler did, one row per committed handling. */
export interface Effect {
  id: number;
  consumer: string;
  event_id: string;
  subject: string;
  order_id: number;
  correlation_id: string;
}

export const effectsTable = 'test_effects';

const testMigrations: Migration[] = [
  {
    name: 'test/effects',
    async up(db) {
      await db.schema.createTable(effectsTable, (table) => {
        table.increments('id').primary();
        table.string('consumer').notNullable();
        table.string('event_id').notNullable();
        table.string('subject').notNullable();
        table.integer('order_id').notNullable();
        table.string('correlation_id').notNullable();
      });
    },
  },
];

export function openTestDatabase(url: string): Promise<Database> {
  return openDatabase(url, [...eventMigrations, ...testMigrations]);
}

export interface StoredEvent {
  subject: string;
  seq: number;
  headers: MsgHdrs;
  data: Uint8Array;
}

/** A broker, a store and a bus of their own for one test. */
export class EventsWorld {
  private constructor(
    readonly nats: NatsServer,
    readonly store: TestDatabase,
    readonly database: Database,
    readonly bus: EventBus,
  ) {}

  static async start(kind: StoreKind, label: string): Promise<EventsWorld> {
    const nats = await NatsServer.start();
    const store = await createTestStore(kind, label);
    const database = await openTestDatabase(store.url);
    const bus = await connectEventBus({ url: nats.url, name: label, log, reconnectWaitMs: 100 });
    await bus.ensureStreams();
    return new EventsWorld(nats, store, database, bus);
  }

  get db(): Knex {
    return this.database.knex;
  }

  async record(events: NewEvent[]): Promise<string[]> {
    return this.db.transaction((trx) => recordEvents(trx, events));
  }

  async outboxSize(): Promise<number> {
    const row = await this.db('kit_outbox').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async effects(): Promise<Effect[]> {
    return this.db<Effect>(effectsTable).select('*').orderBy('id');
  }

  async streamEvents(stream = eventStream): Promise<StoredEvent[]> {
    return this.inspect(async (jsm) => {
      const { state } = await jsm.streams.info(stream);
      const events: StoredEvent[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        const stored = await jsm.streams.getMessage(stream, { seq });
        if (stored !== null) events.push({ subject: stored.subject, seq: stored.seq, headers: stored.header, data: stored.data });
      }
      return events;
    });
  }

  async streamConfig(stream: string): Promise<{ subjects: string[]; duplicateWindowNs: number; storage: string; retention: string }> {
    const { config } = await this.inspect((jsm) => jsm.streams.info(stream));
    return { subjects: config.subjects, duplicateWindowNs: config.duplicate_window, storage: config.storage, retention: config.retention };
  }

  /** Whether consumer `durable` has answered (acked or dead-lettered) everything in its routed durable's filter. */
  async caughtUp(durable: string): Promise<boolean> {
    const info = await this.inspect((jsm) => jsm.consumers.info(eventStream, routedName(durable)));
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  /**
   * Looks at the broker as an operator would, on a connection of its own made for the purpose: a
   * request sent while a connection is still reconnecting after a broker restart is lost.
   */
  private async inspect<T>(look: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.nats.url });
    try {
      return await look(await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  }

  async stop(): Promise<void> {
    await this.bus.close();
    await this.database.close();
    await this.store.drop();
    await this.nats.stop();
  }
}

export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  await waitFor(check, what, 15_000, 20);
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, but it resolved');
}

/** The current value of metric `name` (from the default register) for exactly these labels; 0 when never set. */
export async function metricValue(name: string, labels: Readonly<Record<string, string>>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const match = values.find(
    (value) => Object.keys(value.labels).length === wanted.length && wanted.every(([label, text]) => value.labels[label] === text),
  );
  return match?.value ?? 0;
}
