import type { CpuBreakdown, Window } from './cpu-profile.js';

export interface ProcessProfile {
  label: string;
  breakdown: CpuBreakdown;
}

const groupsShown = 12;
const functionsShown = 10;

/**
 * Where the shop's CPU went per order, as markdown: a line per process, then each process's self
 * time by where the code comes from (with what that code calls beside it) and its hottest functions.
 */
export function profileReport(profiles: readonly ProcessProfile[], orders: number, window: Window): string {
  const perOrder = (ms: number): string => (ms / orders).toFixed(2);
  const sorted = [...profiles].sort((a, b) => b.breakdown.busyMs - a.breakdown.busyMs);
  const total = sorted.reduce((sum, one) => sum + one.breakdown.busyMs, 0);
  const lines = [
    `# Where an order's CPU goes`,
    '',
    `${orders} orders through the edge in ${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s (load and drain); CPU ms per order by process, from V8's sampling profiler (1 ms interval), so nats-server is not in it.`,
    '',
    '| process | CPU ms per order | largest parts (self time) |',
    '|---|---|---|',
    ...sorted.map(({ label, breakdown }) => `| ${label} | ${perOrder(breakdown.busyMs)} | ${breakdown.byGroup.slice(0, 4).map(([group, ms]) => `${group} ${perOrder(ms)}`).join(', ')} |`),
    `| all | ${perOrder(total)} | |`,
  ];
  for (const { label, breakdown } of sorted) {
    const inclusive = new Map(breakdown.inclusiveByGroup);
    lines.push(
      '',
      `## ${label}: ${perOrder(breakdown.busyMs)} ms per order`,
      '',
      '| where the code comes from | self ms per order | share | with what it calls |',
      '|---|---|---|---|',
      ...breakdown.byGroup.slice(0, groupsShown).map(([group, ms]) => `| ${group} | ${perOrder(ms)} | ${share(ms, breakdown.busyMs)} | ${inclusive.has(group) ? perOrder(inclusive.get(group) ?? 0) : ''} |`),
      '',
      '| hottest functions | self ms per order | share |',
      '|---|---|---|',
      ...breakdown.byFunction.slice(0, functionsShown).map(([name, ms]) => `| \`${name}\` | ${perOrder(ms)} | ${share(ms, breakdown.busyMs)} |`),
    );
  }
  return lines.join('\n');
}

function share(ms: number, of: number): string {
  return of === 0 ? '' : `${((100 * ms) / of).toFixed(0)} %`;
}
