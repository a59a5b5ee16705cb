import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '../log/log.js';
import { deleteConsumer, filtersSeveralSubjects, provisionConsumer } from './consumer-config.js';
import { consumeDefaults, DurableConsumer, type ConsumeOptions, type EventConsumer } from './consumer.js';
import { eventsPublished, watchConsumerLag, watchEventStream, type ConsumerLag, type StreamSize } from './metrics.js';
import { StreamReader, type ReplayOptions, type StreamReplay } from './replay.js';
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
  /** Deletes a durable consumer (a read model rebuilding from the start); false when there was none. */
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
      return await connect({ servers: url.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: reconnectWaitMs, timeout });
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
    if (!ack.duplicate) eventsPublished.inc({ event: event.subject });
    return { streamSequence: ack.seq, duplicate: ack.duplicate };
  }

  async consume(options: ConsumeOptions): Promise<EventConsumer> {
    if (options.events.length === 0) throw new Error(`consumer ${options.durable} names no events`);
    await provisionConsumer(this.jsm, options.durable, {
      subjects: options.events.map((type) => type.subject),
      ackWaitMs: options.ackWaitMs ?? consumeDefaults.ackWaitMs,
      serverFiltersSeveralSubjects: filtersSeveralSubjects(this.nc.info?.version),
    });
    if (!this.unwatchConsumers.has(options.durable)) {
      this.unwatchConsumers.set(options.durable, watchConsumerLag(options.durable, () => this.consumerLag(options.durable)));
    }
    return new DurableConsumer(this.js, () => this.nc.isClosed(), this.log, options);
  }

  replay(options: ReplayOptions): Promise<StreamReplay> {
    const subjects = options.events.map((type) => type.subject);
    const [only] = subjects;
    if (only === undefined) return Promise.reject(new Error(`replay ${options.name} names no events`));
    const filter = subjects.length === 1 ? only : filtersSeveralSubjects(this.nc.info?.version) ? subjects : undefined;
    return Promise.resolve(
      new StreamReader(this.js, filter, () => this.nc.isClosed(), this.log, options, (listener) => {
        this.reconnectListeners.add(listener);
      }),
    );
  }

  deleteConsumer(durable: string): Promise<boolean> {
    return deleteConsumer(this.jsm, durable);
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

  private async eventStreamSize(): Promise<StreamSize | undefined> {
    if (!this.isConnected()) return undefined;
    const { state } = await this.jsm.streams.info(eventStream);
    return { messages: state.messages, bytes: state.bytes };
  }

  private async consumerLag(durable: string): Promise<ConsumerLag> {
    if (!this.isConnected()) throw new Error('NATS connection lost');
    const info = await this.jsm.consumers.info(eventStream, durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
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
