import { NatsServer } from '#kit/process/nats-server.js';
import type { BenchEnv } from './benchmark.js';

export interface OpenEnv {
  env: BenchEnv;
  close(): Promise<void>;
}

/** Starts the run's own nats-server; without one, the benchmarks that need it say why they skipped. */
export async function openBenchEnv(): Promise<OpenEnv> {
  try {
    const nats = await NatsServer.start();
    return { env: { nats: { url: nats.url } }, close: () => nats.stop() };
  } catch (error) {
    return { env: { nats: { unavailable: `no nats-server: ${error instanceof Error ? error.message : String(error)}` } }, close: () => Promise.resolve() };
  }
}
