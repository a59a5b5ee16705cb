import { cpus } from 'node:os';
import type { BenchResult, Measured, Plan, Side } from './benchmark.js';

export function header(plan: Plan): string {
  return [
    'make bench: hot paths of ours against a baseline measured in the same run, on this machine.',
    `  ratio = ours ops/s / baseline ops/s, the median over ${plan.rounds} interleaved rounds (after ${plan.warmupRounds} warm-up round each).`,
    "  ratio 0.45 = ours does 45% of the baseline's work per second; 1.00 = ours costs nothing extra.",
    '  Compare ratios between runs and machines, not raw ops/s. p50/p99: per-call latency, for work timed call by call.',
    '  alloc: heap allocated per op by the whole process (client side included); retained: heap still in use after',
    '  a full GC, grown per 1,000 ops over all rounds (needs --expose-gc; +-100 is noise, a leak stays far above it).',
    `  node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
  ].join('\n');
}

interface Column {
  title: string;
  cell: (result: Measured) => string;
}

const columns = (previous: ReadonlyMap<string, number>): Column[] => [
  { title: 'ours ops/s', cell: (r) => rate(r.ours.opsPerSec) },
  { title: 'p50 ms', cell: (r) => ms(r.ours.p50Ms) },
  { title: 'p99 ms', cell: (r) => ms(r.ours.p99Ms) },
  { title: 'base ops/s', cell: (r) => rate(r.baseline.opsPerSec) },
  { title: 'p50 ms', cell: (r) => ms(r.baseline.p50Ms) },
  { title: 'p99 ms', cell: (r) => ms(r.baseline.p99Ms) },
  { title: 'ratio', cell: (r) => r.ratio.toFixed(2) },
  { title: 'last run', cell: (r) => previous.get(r.name)?.toFixed(2) ?? '-' },
  { title: 'alloc KB/op ours|base', cell: (r) => pair(r.ours, r.baseline, 'allocKbPerOp', false) },
  { title: 'retained KB/1k ours|base', cell: (r) => pair(r.ours, r.baseline, 'retainedKbPer1k', true) },
];

type Row = { name: string; cells: string[] } | { name: string; skipped: string };

/** The results as a table; `previous` holds the ratios of the last saved run, by benchmark name. */
export function table(results: readonly BenchResult[], previous: ReadonlyMap<string, number>): string {
  const cols = columns(previous);
  const nameWidth = Math.max('benchmark'.length, ...results.map((result) => result.name.length));
  const rows = results.map((result): Row => ('skipped' in result ? { name: result.name, skipped: result.skipped } : { name: result.name, cells: cols.map((col) => col.cell(result)) }));
  const widths = cols.map((col, index) => Math.max(col.title.length, ...rows.map((row) => ('cells' in row ? (row.cells[index]?.length ?? 0) : 0))));
  const line = (name: string, cells: readonly string[]): string => [name.padEnd(nameWidth), ...cells.map((cell, index) => cell.padStart(widths[index] ?? 0))].join('  ');
  return [
    line('benchmark', cols.map((col) => col.title)),
    ...rows.map((row) => ('cells' in row ? line(row.name, row.cells) : `${row.name.padEnd(nameWidth)}  skipped: ${row.skipped}`)),
  ].join('\n');
}

/** What each row puts against what. */
export function legend(results: readonly BenchResult[]): string {
  return results
    .filter((result): result is Measured => !('skipped' in result))
    .map((result) => `${result.name} (${result.opsPerRound} ${result.unit}s a round)\n  ours:     ${result.ours.label}\n  baseline: ${result.baseline.label}`)
    .join('\n');
}

function rate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function pair(ours: Side, baseline: Side, field: 'allocKbPerOp' | 'retainedKbPer1k', signed: boolean): string {
  const kb = (value: number | undefined): string => (value === undefined ? '-' : `${signed && value >= 0 ? '+' : ''}${value.toFixed(1)}`);
  return `${kb(ours[field])} | ${kb(baseline[field])}`;
}
