import { readConfig, type ConfigReader, type Env } from './config.js';
import { readProcessSettings, type ProcessSettings } from './process-settings.js';

/** What every service process needs: where it listens, where its store and the broker are. */
export interface ServiceConfig extends ProcessSettings {
  service: string;
  grpcPort: number;
  adminPort: number;
  databaseUrl: string;
  natsUrl: string;
  /** In a cluster Istio retries and breaks circuits; in-process policy would stack on it. */
  inProcessResilience: boolean;
  /** JetStream servers that keep each event stream: 3 on the production NATS cluster, 1 on one server. */
  eventStreamReplicas: number;
}

/** What DATABASE_URL may start with: PostgreSQL, or SQLite (a file or :memory:). */
export const databaseUrlSchemes = ['postgres://', 'postgresql://', 'sqlite:'] as const;

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
      databaseUrl: read.url('DATABASE_URL', `sqlite://.data/${service}.sqlite`, databaseUrlSchemes),
      natsUrl: read.url('NATS_URL', 'nats://127.0.0.1:4222', ['nats://', 'tls://']),
      ...readProcessSettings(read),
      inProcessResilience: read.bool('IN_PROCESS_RESILIENCE', true),
      eventStreamReplicas: read.int('EVENT_STREAM_REPLICAS', 1, { min: 1, max: 5 }),
      ...extra(read),
    }),
    env,
  );
}
