import { runBenchmark, type BenchResult, type Plan } from './benchmark.js';
import { openBenchEnv } from './environment.js';
import { lastRatios, saveRun } from './history.js';
import { header, legend, table } from './report.js';
import { suite } from './suite.js';

/**
 * `make bench`: every benchmark of the suite against its baseline, then the table. BENCH_ONLY=<text>
 * runs the benchmarks whose name contains it.
 */
const plan: Plan = { rounds: 5, warmupRounds: 1, roundSeconds: 0.75, scale: 1 };
const only = process.env.BENCH_ONLY ?? '';
const startedAt = new Date();

console.log(`${header(plan)}\n`);
const opened = await openBenchEnv();
const results: BenchResult[] = [];
try {
  for (const benchmark of suite.filter((candidate) => candidate.name.includes(only))) {
    process.stderr.write(`running ${benchmark.name} ...\n`);
    results.push(await runBenchmark(benchmark, opened.env, plan));
  }
} finally {
  await opened.close();
}

const previous = lastRatios();
console.log(`\n${table(results, previous)}\n\n${legend(results)}\n`);
console.log(`saved to ${saveRun(results, plan, startedAt)}`);
