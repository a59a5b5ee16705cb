import { percentile } from '../measure.js';

export interface LoadOutcome {
  ops: number;
  failed: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** The first failure, to say why. */
  firstFailure: string | undefined;
}

/**
 * `clients` callers, each making its next call as soon as the last one answered, for `seconds`:
 * the closed loop of a load test. `call` gets the client's index (its own customer, say).
 */
export async function closedLoop(seconds: number, clients: number, call: (client: number) => Promise<unknown>): Promise<LoadOutcome> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async (index: number): Promise<void> => {
    while (performance.now() < until) {
      const callStarted = performance.now();
      try {
        await call(index);
        latencies.push(performance.now() - callStarted);
      } catch (error) {
        failed += 1;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    ops: sorted.length,
    failed,
    seconds: elapsed,
    opsPerSec: sorted.length / elapsed,
    p50Ms: sorted.length === 0 ? Number.NaN : percentile(sorted, 50),
    p99Ms: sorted.length === 0 ? Number.NaN : percentile(sorted, 99),
    firstFailure,
  };
}
