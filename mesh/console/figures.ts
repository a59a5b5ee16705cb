import { serverFaultCodes } from '../observability/signals.js';
import type { Sample } from '#kit/admin/prometheus-text.js';

/** What one scrape of a replica's admin /metrics returned, and when. */
export interface Scrape {
  atMs: number;
  samples: readonly Sample[];
}

/** What a process answered (its gRPC server calls; the edge's REST requests), increased over a window. */
export interface Increase {
  seconds: number;
  handled: number;
  errors: number;
  events: number;
  /** Duration buckets by upper bound (`le`), cumulative. */
  buckets: ReadonlyMap<number, number>;
}

/** null where nothing was measured yet (fewer than two scrapes, or a process without metrics). */
export interface Rates {
  requestsPerSecond: number | null;
  /** Share of the handled RPCs that ended in an error code (errorCodes); null without RPCs. */
  errorRatio: number | null;
  /** From the buckets, as PromQL's histogram_quantile(0.99, …); null without RPCs. */
  p99Seconds: number | null;
  /** Events the service's consumers handled per second. */
  eventsPerSecond: number | null;
}

/** Codes that say the service failed, not the caller: the ones the dashboards and alert rules count. */
export const errorCodes: readonly string[] = serverFaultCodes;

/**
 * The metrics of what a process answers: a service's gRPC server calls (failed: errorCodes), the
 * edge's REST requests (failed: 5xx; a 4xx or 429 is the caller's). A process has one of the two.
 */
const answers = [
  { handled: 'grpc_server_handled_total', failed: (sample: Sample) => errorCodes.includes(sample.labels.grpc_code ?? ''), buckets: 'grpc_server_handling_seconds_bucket' },
  { handled: 'bookstore_edge_requests_total', failed: (sample: Sample) => /^5\d\d$/.test(sample.labels.status ?? ''), buckets: 'bookstore_edge_request_duration_seconds_bucket' },
];

const seriesKey = (sample: Sample): string => `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)))}`;

/**
 * How much each series of `name` that `keep` accepts grew from `before` to `after`, summed. A
 * series that shrank belongs to a restarted process: its whole value is the increase, as PromQL's
 * increase() counts a counter reset.
 */
function increaseOf(before: Scrape, after: Scrape, name: string, keep: (sample: Sample) => boolean = () => true, by?: (sample: Sample) => number): Map<number, number> {
  const earlier = new Map(before.samples.filter((sample) => sample.name === name).map((sample) => [seriesKey(sample), sample.value]));
  const sums = new Map<number, number>();
  for (const sample of after.samples) {
    if (sample.name !== name || !keep(sample)) continue;
    const old = earlier.get(seriesKey(sample)) ?? 0;
    const grown = sample.value >= old ? sample.value - old : sample.value;
    const group = by === undefined ? 0 : by(sample);
    sums.set(group, (sums.get(group) ?? 0) + grown);
  }
  return sums;
}

const total = (sums: Map<number, number>): number => [...sums.values()].reduce((sum, value) => sum + value, 0);

/** One replica's increase between its oldest and newest scrape; none with fewer than two. */
export function increaseBetween(scrapes: readonly Scrape[]): Increase | undefined {
  const before = scrapes[0];
  const after = scrapes.at(-1);
  if (before === undefined || after === undefined || after.atMs <= before.atMs) return undefined;
  const buckets = new Map<number, number>();
  for (const answer of answers) {
    for (const [bound, count] of increaseOf(before, after, answer.buckets, () => true, (sample) => bucketBound(sample.labels.le))) buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return {
    seconds: (after.atMs - before.atMs) / 1000,
    handled: answers.reduce((sum, answer) => sum + total(increaseOf(before, after, answer.handled)), 0),
    errors: answers.reduce((sum, answer) => sum + total(increaseOf(before, after, answer.handled, answer.failed)), 0),
    events: total(increaseOf(before, after, 'bookstore_events_handled_total')),
    buckets,
  };
}

function bucketBound(le: string | undefined): number {
  return le === '+Inf' ? Infinity : Number(le);
}

/** Rates of one replica, or of a service over its replicas' increases (rates add, buckets merge). */
export function ratesOf(increases: readonly Increase[]): Rates {
  const perSecond = (value: (increase: Increase) => number): number | null =>
    increases.length === 0 ? null : increases.reduce((sum, increase) => sum + value(increase) / increase.seconds, 0);
  const handled = increases.reduce((sum, increase) => sum + increase.handled, 0);
  const errors = increases.reduce((sum, increase) => sum + increase.errors, 0);
  const buckets = new Map<number, number>();
  for (const increase of increases) for (const [bound, count] of increase.buckets) buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  return {
    requestsPerSecond: perSecond((increase) => increase.handled),
    errorRatio: handled > 0 ? errors / handled : null,
    p99Seconds: quantile(0.99, buckets),
    eventsPerSecond: perSecond((increase) => increase.events),
  };
}

/**
 * PromQL's histogram_quantile over cumulative buckets: the bucket the rank falls into, linear
 * inside it (from 0 for the first); in the +Inf bucket, the highest finite bound.
 */
export function quantile(q: number, cumulative: ReadonlyMap<number, number>): number | null {
  const bounds = [...cumulative.entries()].sort(([a], [b]) => a - b);
  const count = bounds.at(-1)?.[1] ?? 0;
  if (count <= 0 || bounds.at(-1)?.[0] !== Infinity) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, cumulativeCount] of bounds) {
    if (cumulativeCount >= rank) {
      if (bound === Infinity) return lowerBound;
      return lowerBound + (bound - lowerBound) * ((rank - lowerCount) / (cumulativeCount - lowerCount));
    }
    lowerBound = bound;
    lowerCount = cumulativeCount;
  }
  return lowerBound;
}
