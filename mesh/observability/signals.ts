/**
 * The PromQL pieces the dashboards and the alerts share, over the metric names of docs/metrics.md
 * (services/kit) and the labels the cluster's scrape config adds: `service` (the pod's `app` label)
 * and `pod`.
 */

/** The window of every rate: four scrapes at the cluster's 15 s interval, so a missed scrape does not blank a panel. */
export const rateWindow = '1m';

/**
 * gRPC codes that say the service failed, not the caller: the error ratio counts these. A refusal
 * of the shop (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS,
 * PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED) is the caller's business; ABORTED is a
 * dependency's outage (README, "Error codes") and counts.
 */
export const serverFaultCodes = ['UNKNOWN', 'INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'DATA_LOSS', 'UNIMPLEMENTED', 'ABORTED'];
export const serverFaultMatcher = `grpc_code=~"${serverFaultCodes.join('|')}"`;

/** Regex alternation of a service's gRPC services, for `grpc_service=~"..."`. */
export function grpcServicesMatcher(grpcServices: readonly string[]): string {
  return `grpc_service=~"${grpcServices.map((name) => name.replaceAll('.', '\\\\.')).join('|')}"`;
}

/** Faults over all answers, per `by` labels; NaN (no panel point, no alert) while nothing is answered. */
export function grpcErrorRatio(by: string, matcher = ''): string {
  const selector = (extra: string): string => {
    const matchers = [matcher, extra].filter(Boolean);
    return matchers.length === 0 ? '' : `{${matchers.join(', ')}}`;
  };
  return (
    `sum by (${by}) (rate(grpc_server_handled_total${selector(serverFaultMatcher)}[${rateWindow}]))` +
    ` / sum by (${by}) (rate(grpc_server_handled_total${selector('')}[${rateWindow}]))`
  );
}

/** The q-quantile of a histogram from its buckets, per `by` labels. */
export function quantile(q: number, histogram: string, by: readonly string[], matcher = ''): string {
  return `histogram_quantile(${String(q)}, sum by (${['le', ...by].join(', ')}) (rate(${histogram}_bucket${matcher === '' ? '' : `{${matcher}}`}[${rateWindow}])))`;
}

/** 5xx answers of the edge over all of them. */
export const edgeErrorRatio =
  `sum(rate(bookstore_edge_requests_total{status=~"5.."}[${rateWindow}])) / sum(rate(bookstore_edge_requests_total[${rateWindow}]))`;

/**
 * Gauges every replica reports alike (a consumer's lag read from JetStream, a shared store's
 * backlog): the max over replicas, not the sum, is the figure.
 */
export function acrossReplicas(gauge: string, by: readonly string[]): string {
  return by.length === 0 ? `max(${gauge})` : `max by (${by.join(', ')}) (${gauge})`;
}
