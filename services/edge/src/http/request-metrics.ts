import { Counter, Histogram } from 'prom-client';
import type { Route } from '../routing/route-table.js';

const requests = new Counter({
  name: 'bookstore_edge_requests_total',
  help: 'REST requests the edge answered, by route (the google.api.http template), HTTP method and status',
  labelNames: ['route', 'method', 'status'] as const,
});

const duration = new Histogram({
  name: 'bookstore_edge_request_duration_seconds',
  help: 'Time from a REST request to its answer, by route (the google.api.http template) and HTTP method',
  labelNames: ['route', 'method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

interface RouteSeries {
  duration: { observe(seconds: number): void };
  byStatus: Map<number, { inc(): void }>;
  labels: { route: string; method: string };
}

/** The label value of a request no rule matched: never the raw path, which clients choose. */
const unmatchedRoute = 'unmatched';
const knownMethods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const series = new Map<Route | string, RouteSeries>();

/**
 * Counts one answered request. Label values come from a bounded set: the route table's templates
 * and methods, or `unmatched` and the request's method (`OTHER` for any but the usual ones).
 */
export function countRequest(route: Route | undefined, requestMethod: string | undefined, status: number, seconds: number): void {
  const method = route?.httpMethod ?? (requestMethod !== undefined && knownMethods.has(requestMethod) ? requestMethod : 'OTHER');
  const key = route ?? method;
  let routeSeries = series.get(key);
  if (routeSeries === undefined) {
    const labels = { route: route?.template.source ?? unmatchedRoute, method };
    routeSeries = { duration: duration.labels(labels), byStatus: new Map(), labels };
    series.set(key, routeSeries);
  }
  let counter = routeSeries.byStatus.get(status);
  if (counter === undefined) {
    counter = requests.labels({ ...routeSeries.labels, status: String(status) });
    routeSeries.byStatus.set(status, counter);
  }
  counter.inc();
  routeSeries.duration.observe(seconds);
}
