import { benchClients, type ShopMeasures } from './shop-bench.js';
import { totalRssMb, type TreeSample } from './processes.js';

/** One line of the whole-shop table: a measure of the shop, its baseline, and the goal of issue 10. */
export interface ShopRow {
  name: string;
  ours: string;
  baseline: string;
  /** ours / baseline where they are the same kind of number (both rates, or both latencies). */
  ratio: number | undefined;
  goal: string;
  met: boolean | undefined;
}

const rate = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');
const ms = (value: number): string => (Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value.toFixed(1)) : '-');
const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;
const mb = (value: number): string => `${Math.round(value).toLocaleString('en-US')} MB`;

export function shopRows(m: ShopMeasures): ShopRow[] {
  const { pipeline, restOrders, grpcOrders } = m;
  const pipelineCell = `${rate(pipeline.opsPerSec)}/s (p50 ${ms(pipeline.p50Ms)}, p99 ${ms(pipeline.p99Ms)} ms)`;
  const orders = (load: ShopMeasures['restOrders']): string =>
    `${rate(load.sustainedPerSec)}/s (${rate(load.opsPerSec)}/s under load, p50 ${ms(load.p50Ms)}, p99 ${ms(load.p99Ms)} ms; backlog ${load.backlogAtEnd} drained in ${ms(load.drainMs)} ms)`;
  const restRatio = restOrders.sustainedPerSec / pipeline.opsPerSec;
  const p99Ratio = restOrders.p99Ms / pipeline.p99Ms;
  const getBookRatio = m.restGetBook.opsPerSec / m.grpcGetBook.opsPerSec;
  const placeRatio = restOrders.sustainedPerSec / grpcOrders.sustainedPerSec;
  const idleMb = totalRssMb(m.idle);
  const loadedMb = totalRssMb(m.afterLoad);
  return [
    { name: 'shop: POST /orders (edge) vs minimal pipeline', ours: orders(restOrders), baseline: pipelineCell, ratio: restRatio, goal: '>= 0.50', met: restRatio >= 0.5 },
    { name: 'shop: POST /orders p99 vs pipeline p99', ours: `${ms(restOrders.p99Ms)} ms`, baseline: `${ms(pipeline.p99Ms)} ms`, ratio: p99Ratio, goal: '<= 3.0', met: p99Ratio <= 3 },
    { name: 'shop: PlaceOrder (gRPC) vs minimal pipeline', ours: orders(grpcOrders), baseline: pipelineCell, ratio: grpcOrders.sustainedPerSec / pipeline.opsPerSec, goal: '-', met: undefined },
    { name: 'shop: GetBook REST (edge) / gRPC', ours: `${rate(m.restGetBook.opsPerSec)}/s (p99 ${ms(m.restGetBook.p99Ms)} ms)`, baseline: `${rate(m.grpcGetBook.opsPerSec)}/s (p99 ${ms(m.grpcGetBook.p99Ms)} ms)`, ratio: getBookRatio, goal: '>= 0.90', met: getBookRatio >= 0.9 },
    { name: 'shop: PlaceOrder REST (edge) / gRPC', ours: `${rate(restOrders.sustainedPerSec)}/s`, baseline: `${rate(grpcOrders.sustainedPerSec)}/s`, ratio: placeRatio, goal: '>= 0.90', met: placeRatio >= 0.9 },
    {
      name: 'shop: order placed -> row on my page',
      ours: `p50 ${ms(m.visibility.p50Ms)}, p99 ${ms(m.visibility.p99Ms)} ms (PlaceOrder p50 ${ms(m.visibility.placeP50Ms)}; from its answer p50 ${ms(m.visibility.afterAnswer.p50Ms)}, p99 ${ms(m.visibility.afterAnswer.p99Ms)})`,
      baseline: `raw publish -> consume p50 ${ms(m.rawVisibility.p50Ms)}, p99 ${ms(m.rawVisibility.p99Ms)} ms`,
      ratio: m.visibility.p99Ms / m.rawVisibility.p99Ms,
      goal: 'p99 <= 15 ms',
      met: m.visibility.p99Ms <= 15,
    },
    catchUpRow('shop: delivery catching up', m.deliveryCatchUp, m.rawCatchUpPerSec),
    catchUpRow('shop: my page rebuild', m.myPageRebuild, m.rawCatchUpPerSec),
    { name: 'shop: RSS of the whole mesh, idle', ours: mb(idleMb), baseline: m.tsx === undefined ? '-' : `through tsx ${mb(totalRssMb(m.tsx.idle))}`, ratio: undefined, goal: '<= 600 MB', met: idleMb <= 600 },
    { name: 'shop: RSS after the loads', ours: mb(loadedMb), baseline: '-', ratio: undefined, goal: '<= 800 MB', met: loadedMb <= 800 },
    { name: 'shop: local mesh ready (built tree)', ours: seconds(m.readyMs), baseline: m.tsx === undefined ? '-' : `through tsx ${seconds(m.tsx.readyMs)}`, ratio: undefined, goal: '<= 2 s', met: m.readyMs <= 2_000 },
  ];
}

function catchUpRow(name: string, ours: { events: number; eventsPerSec: number }, rawPerSec: number): ShopRow {
  return {
    name,
    ours: `${rate(ours.eventsPerSec)} events/s (${ours.events} events)`,
    baseline: `raw consume + ack + SQLite tx ${rate(rawPerSec)}/s`,
    ratio: ours.eventsPerSec / rawPerSec,
    goal: '>= 20,000/s',
    met: ours.eventsPerSec >= 20_000,
  };
}

/** The rows as a table, with the last saved run's ratio beside each. */
export function shopTable(rows: readonly ShopRow[], previous: ReadonlyMap<string, number>): string {
  const cells = rows.map((row) => [row.name, row.ours, row.baseline, row.ratio === undefined ? '-' : row.ratio.toFixed(2), previous.get(row.name)?.toFixed(2) ?? '-', row.goal, row.met === undefined ? '' : row.met ? 'met' : 'NOT MET']);
  const titles = ['whole shop', 'ours', 'baseline (same run)', 'ratio', 'last run', 'goal', ''];
  const widths = titles.map((title, index) => Math.max(title.length, ...cells.map((row) => row[index]?.length ?? 0)));
  const line = (values: readonly string[]): string => values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  return [line(titles), ...cells.map(line)].join('\n');
}

/** CPU ms per order of each process, and its memory idle and after the loads. */
export function processTable(m: ShopMeasures): string {
  const labels = [...new Set([...m.idle.map((one) => one.label), ...Object.keys(m.cpuPerOrder.rest), ...Object.keys(m.cpuPerOrder.pipeline).map((label) => `pipeline: ${label}`)])];
  const rss = (samples: readonly TreeSample[], label: string): string => {
    const found = samples.find((one) => one.label === label);
    return found === undefined ? '' : `${(found.rssBytes / 1024 / 1024).toFixed(0)} MB${found.processes > 1 ? ` (${found.processes} processes)` : ''}`;
  };
  const cpu = (values: Record<string, number>, label: string): string => (values[label] === undefined ? '' : ms(values[label]));
  const rows = labels.map((label) =>
    label.startsWith('pipeline: ')
      ? [label, cpu(m.cpuPerOrder.pipeline, label.slice('pipeline: '.length)), '', '', '', '']
      : [label, '', cpu(m.cpuPerOrder.grpc, label), cpu(m.cpuPerOrder.rest, label), rss(m.idle, label), rss(m.afterLoad, label)],
  );
  const sum = (values: Record<string, number>): string => ms(Object.entries(values).reduce((total, [label, one]) => (label === benchClients ? total : total + one), 0));
  rows.push([`total (without ${benchClients})`, sum(m.cpuPerOrder.pipeline), sum(m.cpuPerOrder.grpc), sum(m.cpuPerOrder.rest), `${totalRssMb(m.idle).toFixed(0)} MB`, `${totalRssMb(m.afterLoad).toFixed(0)} MB`]);
  const titles = ['process', 'CPU ms/order pipeline', 'shop gRPC', 'shop edge', 'RSS idle', 'RSS after loads'];
  if (m.tsx !== undefined) {
    const throughTsx = m.tsx.idle;
    titles.push('RSS idle through tsx');
    rows.forEach((row) => row.push(rss(throughTsx, row[0] ?? '')));
    rows[rows.length - 1]?.splice(-1, 1, `${totalRssMb(throughTsx).toFixed(0)} MB`);
  }
  const widths = titles.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]?.length ?? 0)));
  const line = (values: readonly string[]): string => values.map((value, index) => (index === 0 ? value.padEnd(widths[index] ?? 0) : value.padStart(widths[index] ?? 0))).join('  ');
  return [line(titles), ...rows.map(line)].join('\n');
}
