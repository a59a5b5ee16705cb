import type { CpuBreakdown, Window } from './cpu-profile.js';

export interface ProcessProfile {
  label: string;
  /** The CPU the process used over the window, as Linux counts it (/proc). */
  cpuMs: number;
  breakdown: CpuBreakdown;
}

const groupsShown = 12;
const functionsShown = 10;

/**
 * Where the shop's CPU went per order, as markdown: a line per process, then each process's time
 * by where the code comes from (with what that code calls beside it) and its hottest functions.
 * The profiler samples a stack every millisecond the process is not idle, waiting for a core
 * included; so each part is its share of the samples times the CPU Linux counted for the process.
 */
export function profileReport(profiles: readonly ProcessProfile[], orders: number, window: Window, natsCpuMs?: number): string {
  const sorted = [...profiles].sort((a, b) => b.cpuMs - a.cpuMs);
  const total = sorted.reduce((sum, one) => sum + one.cpuMs, 0) + (natsCpuMs ?? 0);
  const lines = [
    `# Where an order's CPU goes`,
    '',
    `${orders} orders through the edge in ${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s (load and drain). CPU ms per order by process as Linux counts it, split by V8's sampling profiler (1 ms interval): each part is its share of the process's samples.`,
    '',
    '| process | CPU ms per order | largest parts (self time) |',
    '|---|---|---|',
    ...sorted.map(({ label, cpuMs, breakdown }) => {
      const part = scaled(cpuMs, breakdown.busyMs, orders);
      return `| ${label} | ${(cpuMs / orders).toFixed(2)} | ${breakdown.byGroup.slice(0, 4).map(([group, ms]) => `${group} ${part(ms)}`).join(', ')} |`;
    }),
    ...(natsCpuMs === undefined ? [] : [`| nats-server (not profiled) | ${(natsCpuMs / orders).toFixed(2)} | |`]),
    `| all | ${(total / orders).toFixed(2)} | |`,
  ];
  const shopWide = new Map<string, number>();
  for (const { cpuMs, breakdown } of sorted) {
    for (const [group, ms] of breakdown.byGroup) shopWide.set(group, (shopWide.get(group) ?? 0) + (breakdown.busyMs === 0 ? 0 : (cpuMs * ms) / breakdown.busyMs));
  }
  lines.push(
    '',
    '## The whole shop, by where the code comes from',
    '',
    '| where the code comes from | self ms per order, all processes | share of the profiled CPU |',
    '|---|---|---|',
    ...[...shopWide].sort((a, b) => b[1] - a[1]).slice(0, groupsShown + 8).map(([group, ms]) => `| ${group} | ${(ms / orders).toFixed(2)} | ${share(ms, total - (natsCpuMs ?? 0))} |`),
  );
  for (const { label, cpuMs, breakdown } of sorted) {
    const part = scaled(cpuMs, breakdown.busyMs, orders);
    const inclusive = new Map(breakdown.inclusiveByGroup);
    lines.push(
      '',
      `## ${label}: ${(cpuMs / orders).toFixed(2)} ms per order`,
      '',
      '| where the code comes from | self ms per order | share | with what it calls |',
      '|---|---|---|---|',
      ...breakdown.byGroup.slice(0, groupsShown).map(([group, ms]) => `| ${group} | ${part(ms)} | ${share(ms, breakdown.busyMs)} | ${inclusive.has(group) ? part(inclusive.get(group) ?? 0) : ''} |`),
      '',
      '| hottest functions | self ms per order | share |',
      '|---|---|---|',
      ...breakdown.byFunction.slice(0, functionsShown).map(([name, ms]) => `| \`${name}\` | ${part(ms)} | ${share(ms, breakdown.busyMs)} |`),
    );
  }
  return lines.join('\n');
}

/** Sampled ms as CPU ms per order: the share of the samples times the CPU the process used. */
function scaled(cpuMs: number, sampledMs: number, orders: number): (ms: number) => string {
  return (ms) => (sampledMs === 0 ? 0 : (cpuMs * ms) / sampledMs / orders).toFixed(2);
}

function share(ms: number, of: number): string {
  return of === 0 ? '' : `${((100 * ms) / of).toFixed(0)} %`;
}
