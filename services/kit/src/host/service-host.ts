import { startAdminServer, type AdminServer, type Readiness } from '../admin/admin-server.js';
import type { ServiceConfig } from '../config/service-config.js';
import { openDatabase, type Database, type Migration } from '../db/database.js';
import { connectEventBus, type EventBus } from '../events/bus.js';
import type { ConsumeOptions, EventConsumer } from '../events/consumer.js';
import { eventMigrations } from '../events/migrations.js';
import { OutboxRelay } from '../events/relay.js';
import type { ReplayOptions, StreamReplay } from '../events/replay.js';
import { startGrpcServer, type GrpcServer, type ServedService } from '../grpc/server.js';
import { createLogger, type Logger } from '../log/log.js';
import { flushTraces, startTracing } from '../telemetry/tracing.js';
import { shutdown, type ShutdownStep } from './lifecycle.js';

/** What a service's wiring gets to build its adapters and use cases from. */
export interface ServiceParts<C extends ServiceConfig> {
  config: C;
  log: Logger;
  db: Database;
  bus: EventBus;
  /** Call after a commit that recorded events, so they leave now rather than at the next poll. */
  eventsCommitted: () => void;
}

/** One service as its wiring declares it: its tables, its gRPC services, its event consumers. */
export interface ServiceBlueprint<C extends ServiceConfig> {
  migrations: readonly Migration[];
  grpcServices: (parts: ServiceParts<C>) => readonly ServedService[];
  consumers?: (parts: ServiceParts<C>) => readonly Omit<ConsumeOptions, 'db'>[];
  /**
   * Read models of this replica's own store, each reading every event (replay.ts); the service
   * serves once they hold what the stream held when they started.
   */
  replays?: (parts: ServiceParts<C>) => readonly Omit<ReplayOptions, 'db'>[];
  /** Work to do before serving, e.g. a read model rebuilding from the start of the stream. */
  beforeServing?: (parts: ServiceParts<C>) => Promise<void>;
  /** Extra steps at shutdown, after the consumers stopped and before the stores close. */
  onShutdown?: readonly ShutdownStep[];
}

export interface RunningService<C extends ServiceConfig> {
  parts: ServiceParts<C>;
  grpcPort: number;
  adminPort: number;
  /** The graceful shutdown a SIGTERM triggers; false if a step failed. */
  stop(): Promise<boolean>;
}

/** How often the relay looks for events it was not nudged about (another replica's, an outage's). */
const relayPollMs = 250;
/** The most a shutdown spends publishing what is left in the outbox, within what remains of its grace. */
const outboxFlushMs = 5_000;

/**
 * Starts a service the same way every time: tracing -> store (migrated) -> broker (streams
 * provisioned) -> outbox relay -> consumers, and replays caught up -> gRPC server -> admin port.
 * Shutdown runs the other way round, so a rolling update loses nothing: not ready -> drain gRPC ->
 * stop consumers -> flush the outbox -> close broker and store -> export the last spans.
 */
export async function startService<C extends ServiceConfig>(config: C, blueprint: ServiceBlueprint<C>): Promise<RunningService<C>> {
  // Before anything else, so the first span and log line already belong to a trace.
  startTracing(config.service, config.tracing);
  const log = createLogger(config.service, config.logLevel);
  let db: Database | undefined;
  let bus: EventBus | undefined;
  let relay: OutboxRelay | undefined;
  let grpc: GrpcServer | undefined;
  let admin: AdminServer | undefined;
  const consumers: EventConsumer[] = [];
  const replays: StreamReplay[] = [];
  const stop = (): Promise<boolean> => {
    const graceEnds = Date.now() + config.shutdownGraceMs;
    const remainingGraceMs = (): number => Math.max(0, graceEnds - Date.now());
    return shutdown(log, [
      { name: 'stop being ready', run: () => admin?.markNotReady() },
      { name: 'drain gRPC calls', run: () => grpc?.shutdown(config.shutdownGraceMs) },
      {
        name: 'stop the event consumers',
        run: async () => {
          await Promise.all([...consumers, ...replays].map((consumer) => consumer.stop()));
        },
      },
      ...(blueprint.onShutdown ?? []),
      { name: 'publish what is left in the outbox', run: () => relay?.stop(Math.min(outboxFlushMs, remainingGraceMs())) },
      { name: 'close the broker connection', run: () => bus?.close() },
      { name: 'close the store', run: () => db?.close() },
      { name: 'close the admin port', run: () => admin?.close() },
      { name: 'export the spans left', run: () => flushTraces() },
    ]);
  };
  try {
    // The store (and its migrations) and the broker (and its streams) open side by side; each is
    // kept as soon as it is open, so a failure of the other still closes it.
    const opening = openDatabase(config.databaseUrl, [...eventMigrations, ...blueprint.migrations]).then((opened) => {
      db = opened;
      return opened;
    });
    const connecting = connectEventBus({ url: config.natsUrl, name: `${config.service}-${String(process.pid)}`, log }).then(async (connected) => {
      bus = connected;
      await connected.ensureStreams(config.eventStreamReplicas);
      return connected;
    });
    await allSettledOrThrow([opening, connecting]);
    const store = await opening;
    const broker = await connecting;
    const outbox = new OutboxRelay({ db: store.knex, bus: broker, log, pollIntervalMs: relayPollMs });
    relay = outbox;
    outbox.start();

    const parts: ServiceParts<C> = { config, log, db: store, bus: broker, eventsCommitted: () => { outbox.nudge(); } };
    await blueprint.beforeServing?.(parts);
    // Redelivery as consumeDefaults sets it (consumer.ts says why), unless a service says otherwise.
    const consuming = (blueprint.consumers?.(parts) ?? []).map(async (options) => {
      consumers.push(await broker.consume({ ...options, db: store.knex, afterCommit: () => { outbox.nudge(); } }));
    });
    const replaying = (blueprint.replays?.(parts) ?? []).map(async (options) => {
      replays.push(await broker.replay({ ...options, db: store.knex }));
    });
    await allSettledOrThrow([...consuming, ...replaying]);
    await Promise.all(replays.map((replay) => replay.caughtUp()));
    grpc = await startGrpcServer({ service: config.service, port: config.grpcPort, services: blueprint.grpcServices(parts), log });
    admin = await startAdminServer({ port: config.adminPort, log, faultsEnabled: config.faultsEnabled, readiness: () => readiness(store, broker) });

    log.info({ grpcPort: grpc.port, adminPort: admin.port, store: store.dialect }, `${config.service} is serving`);
    return { parts, grpcPort: grpc.port, adminPort: admin.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Ready when the store answers. The broker is reported but not required: without it commands still
 * commit (their events wait in the outbox for the relay) and reads still answer, while taking every
 * pod out of service would turn a broker outage into an outage of the whole shop.
 */
async function readiness(db: Database, bus: EventBus): Promise<Readiness> {
  const store = await db.knex.raw('select 1').then(
    () => true as const,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  const broker = bus.isConnected() || 'NATS connection lost; events wait in the outbox';
  return { ok: store === true, checks: { store }, informational: { broker } };
}

/** Waits for every one of `work`, then throws the first failure: nothing is still opening behind the stop that follows. */
async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
