import { readConfig, type ConfigReader, type Env } from './config.js';

/** What every service process needs: where it listens, where its store and the broker are. */
export interface ServiceConfig {
  service: string;
  grpcPort: number;
  adminPort: number;
  databaseUrl: string;
  natsUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Drain time on SIGTERM before in-flight calls are cut (Kubernetes grace period minus margin). */
  shutdownGraceMs: number;
  /** In a cluster Istio retries and breaks circuits; in-process policy would stack on it. */
  inProcessResilience: boolean;
  /** JetStream servers that keep each event stream: 3 on the production NATS cluster, 1 on one server. */
  eventStreamReplicas: number;
}

export function readServiceConfig<T>(
  service: string,
  defaults: { grpcPort: number; adminPort: number },
  extra: (env: ConfigReader) => T,
  env: Env = process.env,
): ServiceConfig & T {
  return readConfig(
    (read) => ({
      service,
      grpcPort: read.port('GRPC_PORT', defaults.grpcPort),
      adminPort: read.port('ADMIN_PORT', defaults.adminPort),
      databaseUrl: read.url('DATABASE_URL', `sqlite://.data/${service}.sqlite`, ['postgres://', 'postgresql://', 'sqlite:']),
      natsUrl: read.url('NATS_URL', 'nats://127.0.0.1:4222', ['nats://', 'tls://']),
      logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
      shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
      inProcessResilience: read.bool('IN_PROCESS_RESILIENCE', true),
      eventStreamReplicas: read.int('EVENT_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
      ...extra(read),
    }),
    env,
  );
}
