import { runBenchmark, type BenchResult, type Plan } from './benchmark.js';
import { openBenchEnv } from './environment.js';
import { lastRatios, saveRun } from './history.js';
import { header, legend, table } from './report.js';
import { fullShopPlan, measureShop, type ShopMeasures } from './shop/shop-bench.js';
import { processTable, shopRows, shopTable } from './shop/shop-report.js';
import { suite } from './suite.js';

/**
 * `make bench`: every benchmark of the suite against its baseline, then the whole shop against
 * its baselines (shop/), then the tables. BENCH_ONLY=<text> runs the benchmarks whose name
 * contains it; the whole shop runs when "whole shop" contains it (BENCH_ONLY=shop for it alone).
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
let shop: ShopMeasures | undefined;
if ('whole shop'.includes(only)) {
  shop = await measureShop(fullShopPlan, (line) => process.stderr.write(`${line}\n`)).catch((error: unknown) => {
    console.log(`whole shop skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
}

const previous = lastRatios();
if (results.length > 0) console.log(`\n${table(results, previous)}\n\n${legend(results)}\n`);
const rows = shop === undefined ? [] : shopRows(shop);
if (shop !== undefined) console.log(`\n${shopTable(rows, previous)}\n\n${processTable(shop)}\n`);
console.log(`saved to ${saveRun({ results, shop: shop === undefined ? undefined : { rows, measures: shop } }, plan, startedAt)}`);
