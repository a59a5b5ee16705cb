import { GCProfiler, getHeapStatistics } from 'node:v8';

/** One side of a comparison: the work a round times, and the untimed work around it. */
export interface Subject {
  /** What runs, as the legend prints it. */
  label: string;
  /** Untimed, before each round: e.g. publishing the events a consumer round then reads. */
  before?: (ops: number) => Promise<void>;
  /** The timed work: `ops` operations; each one's latency in ms when they are separate calls. */
  run: (ops: number) => Promise<readonly number[] | undefined>;
  /** Untimed, after each round: e.g. deleting the round's durable consumer. */
  after?: () => Promise<void>;
}

/** One timed round of one subject. */
export interface Sample {
  ops: number;
  opsPerSec: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** Heap allocated per op, by the whole process (client and server sides alike). */
  allocKbPerOp: number;
  /** Growth of the heap still in use after a full GC over the round; undefined without --expose-gc. */
  retainedBytes: number | undefined;
}

/** Runs `ops` calls with `concurrency` of them in flight at any time; resolves to their latencies in ms. */
export function inFlight(call: () => Promise<unknown>, concurrency: number): Subject['run'] {
  return async (ops) => {
    const latencies: number[] = [];
    let started = 0;
    const worker = async (): Promise<void> => {
      while (started < ops) {
        started += 1;
        const callStarted = performance.now();
        await call();
        latencies.push(performance.now() - callStarted);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, worker));
    return latencies;
  };
}

/** A round timed as a whole, for work whose operations are batched (a relay flush, a consumer draining). */
export function asWhole(run: (ops: number) => Promise<void>): Subject['run'] {
  return async (ops) => {
    await run(ops);
    return undefined;
  };
}

export async function sample(subject: Subject, ops: number): Promise<Sample> {
  await subject.before?.(ops);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const allocations = countAllocations();
  const started = performance.now();
  const latencies = await subject.run(ops);
  const seconds = (performance.now() - started) / 1000;
  const allocated = allocations.stop();
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  await subject.after?.();

  const sorted = latencies === undefined ? undefined : [...latencies].sort((a, b) => a - b);
  return {
    ops,
    opsPerSec: ops / seconds,
    p50Ms: sorted === undefined ? undefined : percentile(sorted, 50),
    p99Ms: sorted === undefined ? undefined : percentile(sorted, 99),
    allocKbPerOp: allocated / 1024 / ops,
    retainedBytes: globalThis.gc === undefined ? undefined : heapAfter - heapBefore,
  };
}

/**
 * Bytes allocated on the heap between start and stop: what each garbage collection found in use,
 * less what the one before it left, plus what is in use at the end beyond what the last one left.
 */
function countAllocations(): { stop(): number } {
  const profiler = new GCProfiler();
  profiler.start();
  const usedAtStart = getHeapStatistics().used_heap_size;
  return {
    stop() {
      const usedAtEnd = getHeapStatistics().used_heap_size;
      let allocated = 0;
      let leftInUse = usedAtStart;
      for (const collection of profiler.stop().statistics) {
        allocated += collection.beforeGC.heapStatistics.usedHeapSize - leftInUse;
        leftInUse = collection.afterGC.heapStatistics.usedHeapSize;
      }
      return allocated + usedAtEnd - leftInUse;
    },
  };
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  const value = sorted[Math.min(rank, sorted.length) - 1];
  if (value === undefined) throw new Error('percentile of no values');
  return value;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** The median of the values that are defined, or undefined when none is. */
export function medianOf(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length === 0 ? undefined : median(defined);
}
