import type { Env } from '#kit/config/config.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { createGrpcClient, type GeneratedClientConstructor, type GrpcClient, type ServiceShape } from '#kit/grpc/client.js';
import type { DefinedService } from '#kit/host/define-service.js';
import type { RunningService } from '#kit/host/service-host.js';
import { createLogger } from '#kit/log/log.js';
import { createTestStore, type StoreKind } from './stores.js';

export interface ServiceUnderTestOptions {
  /** The test's nats-server. */
  natsUrl: string;
  /**
   * A fresh store of this kind, dropped by stop() (SQLite unless said), or a store the test
   * keeps, by URL (replicas share one).
   */
  store?: StoreKind | { url: string };
  /** Settings beyond the broker, the store, free ports and silent logs: peers' addresses, switches. */
  env?: Env;
}

/** A real service in this process, and a client as the edge holds one (its deadline, no in-process retries). */
export interface ServiceUnderTest<C extends ServiceConfig, S> {
  /** The running service; paused, there is none. */
  readonly service: RunningService<C>;
  client: GrpcClient<S>;
  address: string;
  databaseUrl: string;
  /** Stops the service as a SIGTERM would; the port and the store stay for resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Closes the client, stops the service, and drops the store if it made it. */
  stop(): Promise<void>;
}

/** Starts the service in this process: the test's broker and store, free ports, silent logs. */
export async function startServiceUnderTest<C extends ServiceConfig, S extends ServiceShape<S>>(
  definition: DefinedService<C>,
  Client: GeneratedClientConstructor<S>,
  options: ServiceUnderTestOptions,
): Promise<ServiceUnderTest<C, S>> {
  const { store: wanted = 'sqlite' } = options;
  const store: { url: string; drop?: () => Promise<void> } = typeof wanted === 'string' ? await createTestStore(wanted, definition.name) : wanted;
  const start = (grpcPort: number): Promise<RunningService<C>> =>
    definition.start(
      definition.readConfig({
        NATS_URL: options.natsUrl,
        DATABASE_URL: store.url,
        GRPC_PORT: String(grpcPort),
        ADMIN_PORT: '0',
        LOG_LEVEL: 'silent',
        ...options.env,
      }),
    );
  let running: RunningService<C> | undefined = await start(0);
  const { grpcPort } = running;
  const address = `127.0.0.1:${grpcPort}`;
  const client = createGrpcClient(Client, {
    caller: 'edge',
    callee: definition.name,
    address,
    inProcessResilience: false,
    log: createLogger('test', 'silent'),
  });
  const pause = async (): Promise<void> => {
    await running?.stop();
    running = undefined;
  };
  return {
    get service() {
      if (running === undefined) throw new Error(`${definition.name} is paused`);
      return running;
    },
    client,
    address,
    databaseUrl: store.url,
    pause,
    async resume() {
      running ??= await start(grpcPort);
    },
    async stop() {
      client.close();
      await pause();
      await store.drop?.();
    },
  };
}
