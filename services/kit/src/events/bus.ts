import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '../log/log.js';
import { deleteConsumer, filtersSeveralSubjects, narrowLegacyConsumer, provisionConsumer } from './consumer-config.js';
import { consumeDefaults, DurableConsumer, type ConsumeOptions, type EventConsumer } from './consumer.js';
import { eventsPublished, watchConsumerLag, watchEventStream, type ConsumerLag, type StreamSize } from './metrics.js';
import { ProcessedEventsPruner } from './processed-events.js';
import { StreamReader, type ReplayOptions, type StreamReplay } from './replay.js';
import { eventNameOf, legacyFilter, legacyLayout, routedFilter, routedName, type Layout } from './routes.js';
import { ensureStreams, eventStream } from './streams.js';

export interface EventBusOptions {
  /** nats://host:port */
  url: string;
  /** The connection's name as the server shows it: the service and replica. */
  name: string;
  log: Logger;
  /** How long the first connection may take before connectEventBus fails. */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts; reconnection never gives up. */
  reconnectWaitMs?: number;
}

/** An event ready for the stream: the outbox row's content. */
export interface OutgoingEvent {
  id: string;
  subject: string;
  payload: Uint8Array;
  headers: Readonly<Record<string, string>>;
}

export interface Published {
  streamSequence: number;
  /** The stream already held an event with this id (within its duplicate window) and kept that one. */
  duplicate: boolean;
}

export interface EventBus {
  /** Creates or updates the event and dead-letter streams, kept by `replicas` servers (default 1). */
  ensureStreams(replicas?: number): Promise<void>;
  /** Stores one event in the stream, its id as the de-duplication id. Use recordEvents and the relay instead. */
  publish(event: OutgoingEvent): Promise<Published>;
  /** Starts this replica's share of durable consumer `options.durable`, creating or updating it first. */
  consume(options: ConsumeOptions): Promise<EventConsumer>;
  /** Starts reading every event of `options.events` into this replica's store, from the position stored there (replay.ts). */
  replay(options: ReplayOptions): Promise<StreamReplay>;
  /** Deletes a durable consumer, routed and legacy (a read model rebuilding from the start); false when there was none. */
  deleteConsumer(durable: string): Promise<boolean>;
  /** For readiness. */
  isConnected(): boolean;
  /** Sends what is buffered (acks, publishes) and disconnects. Stop consumers first. */
  close(): Promise<void>;
}

const publishTimeoutMs = 5_000;

export async function connectEventBus(options: EventBusOptions): Promise<EventBus> {
  const nc = await firstConnection(options);
  const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs });
  return new NatsEventBus(nc, jsm, jsm.jetstream(), options.log);
}

/** Retries until the server answers or the connect timeout passes, then fails naming the URL. */
async function firstConnection(options: EventBusOptions): Promise<NatsConnection> {
  const { url, name, log, connectTimeoutMs = 30_000, reconnectWaitMs = 2_000 } = options;
  const deadline = Date.now() + connectTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const timeout = Math.min(20_000, Math.max(1_000, deadline - Date.now()));
      // A cluster's servers as a comma-separated list: the client fails over between them.
      // noAsyncTraces: the client would otherwise capture a stack trace for every request, each
      // JetStream publish among them (make profile: 0.3 ms of an order's CPU in order alone).
      return await connect({ servers: url.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: reconnectWaitMs, timeout, noAsyncTraces: true });
    } catch (error) {
      if (Date.now() + reconnectWaitMs > deadline) {
        throw new Error(`cannot connect to NATS at ${url} within ${connectTimeoutMs} ms: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      log.warn({ err: error, url, attempt }, 'NATS not reachable yet; retrying');
      await sleep(reconnectWaitMs);
    }
  }
}

class NatsEventBus implements EventBus {
  private connected = true;
  private readonly reconnectListeners = new Set<() => void>();
  private readonly unwatchStream = watchEventStream(() => this.eventStreamSize());
  /** Lag gauges of the durable consumers started here: they stay until the bus closes. */
  private readonly unwatchConsumers = new Map<string, () => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly log: Logger,
  ) {
    void this.followStatus();
  }

  ensureStreams(replicas?: number): Promise<void> {
    return ensureStreams(this.jsm, replicas);
  }

  async publish(event: OutgoingEvent): Promise<Published> {
    const eventHeaders = headers();
    for (const [name, value] of Object.entries(event.headers)) eventHeaders.set(name, value);
    const ack = await this.js.publish(event.subject, event.payload, { msgID: event.id, headers: eventHeaders, timeout: publishTimeoutMs });
    if (!ack.duplicate) eventsPublished.inc({ event: eventNameOf(event.subject) });
    return { streamSequence: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * Reads the routed durable `<durable>-routed`, which receives exactly the events routed to this
   * consumer (routes.ts), and, in a deployment that had it, the legacy durable `<durable>` from its
   * own position, for the events published before routing (or by the previous release during a
   * rollout): narrowed to the legacy layout, it never receives a routed event.
   */
  async consume(options: ConsumeOptions): Promise<EventConsumer> {
    if (options.events.length === 0) throw new Error(`consumer ${options.durable} names no events`);
    const severalSubjects = this.severalSubjects();
    const ackWaitMs = options.ackWaitMs ?? consumeDefaults.ackWaitMs;
    const reads: { durable: string; layout: Layout }[] = [{ durable: routedName(options.durable), layout: 'routed' }];
    await provisionConsumer(this.jsm, routedName(options.durable), { filter: routedFilter(options.durable, options.events, severalSubjects), ackWaitMs });
    if (await narrowLegacyConsumer(this.jsm, options.durable, { filter: legacyFilter(options.events, severalSubjects), ackWaitMs })) {
      reads.push({ durable: options.durable, layout: 'legacy' });
    }
    // The lag of consumer <durable>: its routed durable's and its legacy one's together.
    this.unwatchConsumers.get(options.durable)?.();
    const durables = reads.map((part) => part.durable);
    this.unwatchConsumers.set(options.durable, watchConsumerLag(options.durable, () => this.consumerLag(durables)));
    const pruner = new ProcessedEventsPruner(options.db, options.durable, options.processedRetentionMs ?? consumeDefaults.processedRetentionMs, this.log);
    pruner.start();
    const parts = reads.map((part) => new DurableConsumer(this.js, () => this.nc.isClosed(), this.log, options, part));
    return {
      stop: async () => {
        await Promise.all([...parts.map((part) => part.stop()), pruner.stop()]);
      },
    };
  }

  /**
   * Reads the events routed to reader `options.name` into its store, its position kept under
   * `<name>-routed`; and, when the stream holds events of the legacy layout, those from the
   * position kept under `<name>`. Caught up once both are.
   */
  async replay(options: ReplayOptions): Promise<StreamReplay> {
    if (options.events.length === 0) throw new Error(`replay ${options.name} names no events`);
    const severalSubjects = this.severalSubjects();
    const readers: { position: string; layout: Layout; filter: string | string[] | undefined }[] = [
      { position: routedName(options.name), layout: 'routed', filter: routedFilter(options.name, options.events, severalSubjects) },
    ];
    if (await this.holdsLegacyEvents()) readers.push({ position: options.name, layout: 'legacy', filter: legacyFilter(options.events, severalSubjects) });
    const parts = readers.map(
      ({ filter, ...reads }) =>
        new StreamReader(this.js, filter, () => this.nc.isClosed(), this.log, options, reads, (listener) => {
          this.reconnectListeners.add(listener);
        }),
    );
    return {
      caughtUp: async () => {
        await Promise.all(parts.map((part) => part.caughtUp()));
      },
      stop: async () => {
        await Promise.all(parts.map((part) => part.stop()));
      },
    };
  }

  /** Deletes both durables of consumer `durable` (routes.ts); false when there was neither. */
  async deleteConsumer(durable: string): Promise<boolean> {
    const deleted = await Promise.all([deleteConsumer(this.jsm, routedName(durable)), deleteConsumer(this.jsm, durable)]);
    return deleted.includes(true);
  }

  isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  async close(): Promise<void> {
    this.unwatchStream();
    for (const unwatch of this.unwatchConsumers.values()) unwatch();
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }

  private severalSubjects(): boolean {
    return filtersSeveralSubjects(this.nc.info?.version);
  }

  /** Whether the stream holds events of the legacy layout; when the broker cannot tell now, assumed so: reading them is never wrong. */
  private async holdsLegacyEvents(): Promise<boolean> {
    try {
      const { state } = await this.jsm.streams.info(eventStream, { subjects_filter: legacyLayout });
      return Object.keys(state.subjects ?? {}).length > 0;
    } catch {
      return true;
    }
  }

  private async eventStreamSize(): Promise<StreamSize | undefined> {
    if (!this.isConnected()) return undefined;
    const { state } = await this.jsm.streams.info(eventStream);
    return { messages: state.messages, bytes: state.bytes };
  }

  private async consumerLag(durables: readonly string[]): Promise<ConsumerLag> {
    if (!this.isConnected()) throw new Error('NATS connection lost');
    const lag = { pending: 0, ackPending: 0 };
    for (const durable of durables) {
      const info = await this.jsm.consumers.info(eventStream, durable);
      lag.pending += info.num_pending;
      lag.ackPending += info.num_ack_pending;
    }
    return lag;
  }

  private async followStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.log.warn({ server: status.server }, 'NATS connection lost; reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.log.info({ server: status.server }, 'NATS connection restored');
        for (const listener of this.reconnectListeners) listener();
      }
    }
  }
}
