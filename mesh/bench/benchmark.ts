import { median, medianOf, sample, type Sample, type Subject } from './measure.js';

/** What this run provides to every benchmark. */
export interface BenchEnv {
  /** The run's own nats-server, or why there is none. */
  nats: { url: string } | { unavailable: string };
}

/** Why a benchmark cannot run here (no PostgreSQL, no nats-server); printed instead of its row. */
export interface Skipped {
  skipped: string;
}

/** A thing of ours and its baseline, both started and ready to be timed. */
export interface Contest {
  ours: Subject;
  baseline: Subject;
  close(): Promise<void>;
}

export interface Benchmark {
  name: string;
  /** What one operation is: call, transaction, event, request. */
  unit: string;
  /** The most operations a round does; fewer when the slower side would take longer than a round should. */
  maxOps: number;
  setUp(env: BenchEnv): Promise<Contest | Skipped>;
}

export interface Plan {
  rounds: number;
  /** Rounds of a fifth of maxOps per side, untimed; the last sizes the measured rounds. */
  warmupRounds: number;
  /** How long a measured round of the slower side should take. */
  roundSeconds: number;
  /** Multiplies every benchmark's maxOps; the test runs tiny rounds. */
  scale: number;
}

/** One side over the measured rounds: medians, except the retained heap. */
export interface Side {
  label: string;
  opsPerSec: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  allocKbPerOp: number;
  /** Growth of the heap in use after a full GC, summed over the rounds, per 1,000 ops: one round's is mostly noise. */
  retainedKbPer1k: number | undefined;
}

export interface Measured {
  name: string;
  unit: string;
  opsPerRound: number;
  ours: Side;
  baseline: Side;
  /** Median over the rounds of ours/baseline ops per second in that round. */
  ratio: number;
  roundRatios: number[];
}

export type BenchResult = Measured | ({ name: string } & Skipped);

/** Fewer ops than this make a p99 meaningless, however slow the machine. */
const minOps = 200;

export function natsUrlOf(env: BenchEnv): string | Skipped {
  return 'url' in env.nats ? env.nats.url : { skipped: env.nats.unavailable };
}

export async function runBenchmark(benchmark: Benchmark, env: BenchEnv, plan: Plan): Promise<BenchResult> {
  const contest = await benchmark.setUp(env);
  if ('skipped' in contest) return { name: benchmark.name, skipped: contest.skipped };
  try {
    const { ours, baseline } = contest;
    const maxOps = Math.max(1, Math.round(benchmark.maxOps * plan.scale));
    let ops = maxOps;
    for (let round = 0; round < plan.warmupRounds; round++) {
      const warmupOps = Math.max(1, Math.round(maxOps / 5));
      const slower = Math.min((await sample(baseline, warmupOps)).opsPerSec, (await sample(ours, warmupOps)).opsPerSec);
      ops = Math.max(Math.min(maxOps, minOps), Math.min(maxOps, Math.round(slower * plan.roundSeconds)));
    }
    const oursSamples: Sample[] = [];
    const baselineSamples: Sample[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      // Taking turns at going first keeps drift (a growing table, a warming JIT) out of the ratio.
      if (round % 2 === 0) {
        baselineSamples.push(await sample(baseline, ops));
        oursSamples.push(await sample(ours, ops));
      } else {
        oursSamples.push(await sample(ours, ops));
        baselineSamples.push(await sample(baseline, ops));
      }
    }
    const roundRatios = oursSamples.map((mine, round) => mine.opsPerSec / (baselineSamples[round]?.opsPerSec ?? Number.NaN));
    return {
      name: benchmark.name,
      unit: benchmark.unit,
      opsPerRound: ops,
      ours: side(ours.label, oursSamples),
      baseline: side(baseline.label, baselineSamples),
      ratio: median(roundRatios),
      roundRatios,
    };
  } finally {
    await contest.close();
  }
}

function side(label: string, samples: readonly Sample[]): Side {
  return {
    label,
    opsPerSec: median(samples.map((one) => one.opsPerSec)),
    p50Ms: medianOf(samples.map((one) => one.p50Ms)),
    p99Ms: medianOf(samples.map((one) => one.p99Ms)),
    allocKbPerOp: median(samples.map((one) => one.allocKbPerOp)),
    retainedKbPer1k: retainedPerThousandOps(samples),
  };
}

function retainedPerThousandOps(samples: readonly Sample[]): number | undefined {
  let bytes = 0;
  let ops = 0;
  for (const one of samples) {
    if (one.retainedBytes === undefined) return undefined;
    bytes += one.retainedBytes;
    ops += one.ops;
  }
  return ops === 0 ? undefined : bytes / 1024 / (ops / 1000);
}
