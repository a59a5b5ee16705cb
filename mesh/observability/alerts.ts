import { acrossReplicas, edgeErrorRatio, grpcErrorRatio, quantile } from './signals.js';

/**
 * The shop's alerts, declared once: mesh/observability/rules/bookstore.rules.yaml (a plain
 * Prometheus rules file) and the PrometheusRule of manifests/components/observability are both
 * rendered from this list. Each names its section of docs/runbooks.md.
 */
export interface Alert {
  name: string;
  expr: string;
  /** How long the condition holds before the alert fires (a Prometheus duration); at once without. */
  for?: string;
  severity: 'page' | 'ticket';
  summary: string;
  description: string;
  /** The heading of its section in docs/runbooks.md, as GitHub anchors it. */
  runbook: string;
}

/** Where runbook_url points: the runbooks in the repository; a fork sets its own browsable URL here. */
export const runbookBase = 'docs/runbooks.md';
export const runbookUrl = (alert: Alert): string => `${runbookBase}#${alert.runbook}`;

export const alertGroup = 'bookstore';

export const alerts: readonly Alert[] = [
  {
    name: 'BookstoreServiceErrorRatioHigh',
    expr: `(${grpcErrorRatio('service, grpc_service')}) > 0.05`,
    for: '5m',
    severity: 'page',
    summary: '{{ $labels.grpc_service }} fails {{ $value | humanizePercentage }} of its calls',
    description: 'More than 5 % of the calls {{ $labels.service }} answered in the last minute ended in a server fault (UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, ABORTED, ...).',
    runbook: 'error-ratio',
  },
  {
    name: 'BookstoreEdgeErrorRatioHigh',
    expr: `(${edgeErrorRatio}) > 0.05`,
    for: '5m',
    severity: 'page',
    summary: 'The REST edge answers {{ $value | humanizePercentage }} of requests with a 5xx',
    description: 'More than 5 % of the requests through the edge failed on the shop side.',
    runbook: 'error-ratio',
  },
  {
    name: 'BookstoreLatencyP99High',
    expr: `${quantile(0.99, 'grpc_server_handling_seconds', ['service', 'grpc_service', 'grpc_method'])} > 1`,
    for: '10m',
    severity: 'ticket',
    summary: '{{ $labels.grpc_service }}/{{ $labels.grpc_method }} p99 is {{ $value | humanizeDuration }}',
    description: 'One call in a hundred takes longer than a second to answer, for ten minutes.',
    runbook: 'p99-latency',
  },
  {
    name: 'BookstoreConsumerLagGrowing',
    expr: `${acrossReplicas('bookstore_consumer_pending_messages', ['consumer'])} > 100 and ${acrossReplicas('deriv(bookstore_consumer_pending_messages[10m])', ['consumer'])} > 0`,
    for: '10m',
    severity: 'page',
    summary: 'Consumer {{ $labels.consumer }} is {{ $value }} events behind and falling further',
    description: 'The durable consumer has more than 100 events waiting and the backlog has grown for ten minutes: its service is down, stuck or too slow.',
    runbook: 'consumer-lag-growing',
  },
  {
    name: 'BookstoreOutboxStale',
    expr: `${acrossReplicas('bookstore_outbox_oldest_age_seconds', ['service'])} > 60`,
    for: '5m',
    severity: 'page',
    summary: '{{ $labels.service }} has had an event in its outbox for {{ $value | humanizeDuration }}',
    description: 'The outbox relay has not published for over a minute: NATS is unreachable or refuses the events (stream full?).',
    runbook: 'outbox-age',
  },
  {
    name: 'BookstoreEventsDeadLettered',
    expr: `sum by (consumer, event) (increase(bookstore_events_dead_lettered_total[15m])) > 0`,
    severity: 'ticket',
    summary: '{{ $labels.consumer }} dead-lettered {{ $value }} {{ $labels.event }} event(s)',
    description: 'A consumer gave up on an event after its bounded redeliveries and moved it to the dead-letter stream; its effect is missing until it is replayed.',
    runbook: 'dead-letters',
  },
  {
    name: 'BookstoreCircuitBreakerOpen',
    expr: `${acrossReplicas('bookstore_circuit_breaker_state', ['service', 'caller', 'callee'])} == 1`,
    for: '1m',
    severity: 'page',
    summary: 'The breaker {{ $labels.caller }} -> {{ $labels.callee }} is open',
    description: 'Calls to the callee are refused at once: it failed its consecutive-failure threshold and has not recovered for a minute.',
    runbook: 'breaker-open',
  },
  {
    name: 'BookstorePaymentsPendingTooLong',
    expr: `${acrossReplicas('bookstore_payments_pending_oldest_age_seconds', [])} > 900`,
    for: '5m',
    severity: 'page',
    summary: 'A payment has been PENDING for {{ $value | humanizeDuration }}',
    description: 'Orders taken while the card processor was out are not being settled: the oldest PENDING payment is over 15 minutes old.',
    runbook: 'payments-pending-too-long',
  },
];

/** One Prometheus rule group, the shape both the rules file and the PrometheusRule's spec hold. */
export function ruleGroups(): { groups: { name: string; rules: Record<string, unknown>[] }[] } {
  return {
    groups: [
      {
        name: alertGroup,
        rules: alerts.map((alert) => ({
          alert: alert.name,
          expr: alert.expr,
          ...(alert.for === undefined ? {} : { for: alert.for }),
          labels: { severity: alert.severity },
          annotations: { summary: alert.summary, description: alert.description, runbook_url: runbookUrl(alert) },
        })),
      },
    ],
  };
}
