import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchResult, Plan } from './benchmark.js';
import type { ShopMeasures } from './shop/shop-bench.js';
import type { ShopRow } from './shop/shop-report.js';

/** Where each run leaves its results (gitignored), one file per run, named so they sort by time. */
export const historyDir = '.data/bench';

/** What one run measured: the hot paths, and the whole shop when it ran. */
export interface RunResults {
  results: readonly BenchResult[];
  shop: { rows: readonly ShopRow[]; measures: ShopMeasures } | undefined;
}

export function saveRun({ results, shop }: RunResults, plan: Plan, startedAt: Date): string {
  mkdirSync(historyDir, { recursive: true });
  const path = join(historyDir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const run = { startedAt: startedAt.toISOString(), commit: commit(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), plan, results, shop };
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
  return path;
}

/** The ratios of the last saved run, by benchmark (or whole-shop row) name; empty when there is none. */
export function lastRatios(): Map<string, number> {
  const files = listRuns();
  const last = files[files.length - 1];
  if (last === undefined) return new Map();
  const run: unknown = JSON.parse(readFileSync(join(historyDir, last), 'utf8'));
  const results = typeof run === 'object' && run !== null && 'results' in run && Array.isArray(run.results) ? (run.results as unknown[]) : [];
  const shop = typeof run === 'object' && run !== null && 'shop' in run && typeof run.shop === 'object' && run.shop !== null && 'rows' in run.shop && Array.isArray(run.shop.rows) ? (run.shop.rows as unknown[]) : [];
  return new Map([...results, ...shop].flatMap((result) => (isRatioEntry(result) ? [[result.name, result.ratio] as const] : [])));
}

function listRuns(): string[] {
  try {
    return readdirSync(historyDir).filter((name) => /^bench-.*\.json$/.test(name)).sort();
  } catch {
    return [];
  }
}

function isRatioEntry(value: unknown): value is { name: string; ratio: number } {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string' && 'ratio' in value && typeof value.ratio === 'number';
}

function commit(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}
