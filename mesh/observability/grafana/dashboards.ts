import type { MeshService } from '../../policy/services.js';
import { acrossReplicas, edgeErrorRatio, grpcErrorRatio, grpcServicesMatcher, quantile, rateWindow } from '../signals.js';
import type { DashboardSpec, PanelSpec } from './model.js';

const rate = (counter: string): string => `rate(${counter}[${rateWindow}])`;
const tags = ['bookstore'];

/** The shop at a glance: the edge, every service's RED figures, breakers, events, payments. */
export function overviewDashboard(): DashboardSpec {
  return {
    uid: 'bookstore-overview',
    title: 'Bookstore: the shop at a glance',
    description: 'Requests, errors and latency at the edge and per service; breakers, event lag and payments waiting.',
    tags,
    rows: [
      [
        stat('Edge requests/s', 'reqps', `sum(${rate('bookstore_edge_requests_total')})`),
        stat('Edge 5xx ratio', 'percentunit', edgeErrorRatio),
        stat('Breakers open', 'short', `count(${acrossReplicas('bookstore_circuit_breaker_state', ['caller', 'callee'])} == 1) or vector(0)`),
        stat('Payments PENDING', 'short', acrossReplicas('bookstore_payments_pending', [])),
      ],
      [
        series('Edge requests/s by status', 'reqps', [{ expr: `sum by (status) (${rate('bookstore_edge_requests_total')})`, legend: '{{status}}' }]),
        series('Edge p99 by route', 's', [{ expr: quantile(0.99, 'bookstore_edge_request_duration_seconds', ['route']), legend: '{{route}}' }]),
      ],
      [
        series('Calls answered/s per service', 'reqps', [{ expr: `sum by (grpc_service) (${rate('grpc_server_handled_total')})`, legend: '{{grpc_service}}' }]),
        series('Server-fault ratio per service', 'percentunit', [{ expr: grpcErrorRatio('grpc_service'), legend: '{{grpc_service}}' }]),
        series('p99 per service', 's', [{ expr: quantile(0.99, 'grpc_server_handling_seconds', ['grpc_service']), legend: '{{grpc_service}}' }]),
      ],
      [
        series('Consumer lag (pending)', 'short', [{ expr: acrossReplicas('bookstore_consumer_pending_messages', ['consumer']), legend: '{{consumer}}' }]),
        series('Outbox oldest row age', 's', [{ expr: acrossReplicas('bookstore_outbox_oldest_age_seconds', ['service']), legend: '{{service}}' }]),
        series('Breaker state (0 closed, 1 open, 2 half-open)', 'short', [{ expr: acrossReplicas('bookstore_circuit_breaker_state', ['caller', 'callee']), legend: '{{caller}} -> {{callee}}' }]),
      ],
    ],
  };
}

/** One service: the calls it answers and makes, its events, its breakers and its process. */
export function serviceDashboard(service: MeshService): DashboardSpec {
  const served = grpcServicesMatcher(service.grpcServices);
  const own = `service="${service.name}"`;
  return {
    uid: `bookstore-service-${service.name}`,
    title: `Bookstore: ${service.name}`,
    description: `The ${service.name} service (${service.grpcServices.join(', ')}): rate, errors and duration of what it answers and what it calls, its events and its replicas.`,
    tags: [...tags, 'service'],
    rows: [
      [
        stat('Calls answered/s', 'reqps', `sum(rate(grpc_server_handled_total{${served}}[${rateWindow}]))`),
        stat('Server-fault ratio', 'percentunit', grpcErrorRatio('grpc_service', served)),
        stat('p99', 's', quantile(0.99, 'grpc_server_handling_seconds', [], served)),
        stat('Replicas up', 'short', `count(process_start_time_seconds{${own}})`),
      ],
      [
        series('Answered/s by method and code', 'reqps', [{ expr: `sum by (grpc_method, grpc_code) (rate(grpc_server_handled_total{${served}}[${rateWindow}]))`, legend: '{{grpc_method}} {{grpc_code}}' }]),
        series('p50 and p99 by method', 's', [
          { expr: quantile(0.5, 'grpc_server_handling_seconds', ['grpc_method'], served), legend: 'p50 {{grpc_method}}' },
          { expr: quantile(0.99, 'grpc_server_handling_seconds', ['grpc_method'], served), legend: 'p99 {{grpc_method}}' },
        ]),
      ],
      [
        series('Calls it makes/s by callee and code', 'reqps', [{ expr: `sum by (grpc_service, grpc_code) (rate(grpc_client_handled_total{${own}}[${rateWindow}]))`, legend: '{{grpc_service}} {{grpc_code}}' }]),
        series('p99 of the calls it makes', 's', [{ expr: quantile(0.99, 'grpc_client_handling_seconds', ['grpc_service', 'grpc_method'], own), legend: '{{grpc_service}}/{{grpc_method}}' }]),
        series('Its breakers (0 closed, 1 open, 2 half-open)', 'short', [{ expr: acrossReplicas(`bookstore_circuit_breaker_state{caller="${service.name}"}`, ['callee']), legend: '{{callee}}' }]),
      ],
      [
        series('Events published/s', 'short', [{ expr: `sum by (event) (rate(bookstore_events_published_total{${own}}[${rateWindow}]))`, legend: '{{event}}' }]),
        series('Events handled/s', 'short', [{ expr: `sum by (consumer, event) (rate(bookstore_events_handled_total{${own}}[${rateWindow}]))`, legend: '{{consumer}} {{event}}' }]),
        series('Outbox backlog and consumer lag', 'short', [
          { expr: acrossReplicas(`bookstore_outbox_pending{${own}}`, []), legend: 'outbox' },
          { expr: acrossReplicas(`bookstore_consumer_pending_messages{${own}}`, ['consumer']), legend: 'pending {{consumer}}' },
          { expr: acrossReplicas(`bookstore_consumer_ack_pending_messages{${own}}`, ['consumer']), legend: 'ack pending {{consumer}}' },
        ]),
      ],
      [
        series('CPU per replica', 'percentunit', [{ expr: `rate(process_cpu_seconds_total{${own}}[${rateWindow}])`, legend: '{{pod}}' }]),
        series('Resident memory per replica', 'bytes', [{ expr: `process_resident_memory_bytes{${own}}`, legend: '{{pod}}' }]),
        series('Event loop lag p99 per replica', 's', [{ expr: `nodejs_eventloop_lag_p99_seconds{${own}}`, legend: '{{pod}}' }]),
      ],
    ],
  };
}

/** Events from outbox to handler: published, handled, failed, dead-lettered, lag, outbox age, the stream and the NATS servers. */
export function eventFlowDashboard(): DashboardSpec {
  return {
    uid: 'bookstore-event-flow',
    title: 'Bookstore: event flow',
    description: 'Outbox -> JetStream -> durable consumers: what is published and handled, what waits and for how long, what failed or was dead-lettered.',
    tags: [...tags, 'events'],
    rows: [
      [
        stat('Published/s', 'short', `sum(${rate('bookstore_events_published_total')})`),
        stat('Handled/s', 'short', `sum(${rate('bookstore_events_handled_total')})`),
        stat('Dead letters (1h)', 'short', `sum(increase(bookstore_events_dead_lettered_total[1h])) or vector(0)`),
        stat('Events in the stream', 'short', acrossReplicas('bookstore_event_stream_messages', [])),
      ],
      [
        series('Published/s by event', 'short', [{ expr: `sum by (event) (${rate('bookstore_events_published_total')})`, legend: '{{event}}' }]),
        series('Handled/s by consumer', 'short', [{ expr: `sum by (consumer) (${rate('bookstore_events_handled_total')})`, legend: '{{consumer}}' }]),
        series('Failed/s by consumer and reason', 'short', [{ expr: `sum by (consumer, reason) (${rate('bookstore_events_failed_total')})`, legend: '{{consumer}} {{reason}}' }]),
      ],
      [
        series('Consumer lag: pending', 'short', [{ expr: acrossReplicas('bookstore_consumer_pending_messages', ['consumer']), legend: '{{consumer}}' }]),
        series('Consumer lag: delivered, not acknowledged', 'short', [{ expr: acrossReplicas('bookstore_consumer_ack_pending_messages', ['consumer']), legend: '{{consumer}}' }]),
        series('Dead letters by consumer and event', 'short', [{ expr: `sum by (consumer, event) (increase(bookstore_events_dead_lettered_total[15m]))`, legend: '{{consumer}} {{event}}' }]),
      ],
      [
        series('Outbox backlog', 'short', [{ expr: acrossReplicas('bookstore_outbox_pending', ['service']), legend: '{{service}}' }]),
        series('Outbox oldest row age', 's', [{ expr: acrossReplicas('bookstore_outbox_oldest_age_seconds', ['service']), legend: '{{service}}' }]),
        series('Stream size', 'bytes', [{ expr: acrossReplicas('bookstore_event_stream_bytes', ['stream']), legend: '{{stream}}' }]),
      ],
      [
        series('NATS messages/s in and out (cluster: NATS exporter)', 'short', [
          { expr: `sum by (server_id) (${rate('gnatsd_varz_in_msgs')})`, legend: 'in {{server_id}}' },
          { expr: `sum by (server_id) (${rate('gnatsd_varz_out_msgs')})`, legend: 'out {{server_id}}' },
        ]),
        series('NATS connections and slow consumers', 'short', [
          { expr: 'sum by (server_id) (gnatsd_varz_connections)', legend: 'connections {{server_id}}' },
          { expr: 'sum by (server_id) (gnatsd_varz_slow_consumers)', legend: 'slow consumers {{server_id}}' },
        ]),
        series('JetStream consumers as the server sees them', 'short', [
          { expr: 'max by (consumer_name) (jetstream_consumer_num_pending)', legend: 'pending {{consumer_name}}' },
          { expr: 'max by (consumer_name) (jetstream_consumer_num_ack_pending)', legend: 'ack pending {{consumer_name}}' },
        ]),
      ],
    ],
  };
}

/** Money: payments waiting and for how long, the breaker to the card processor, PaymentService's calls. */
export function paymentsDashboard(payment: MeshService): DashboardSpec {
  const served = grpcServicesMatcher(payment.grpcServices);
  const breaker = `bookstore_circuit_breaker_state{caller="${payment.name}", callee="card-processor"}`;
  return {
    uid: 'bookstore-payments',
    title: 'Bookstore: payments',
    description: 'PENDING payments (taken while the card processor was out) and their age, the breaker to the card processor, the payment service\'s calls.',
    tags: [...tags, 'payments'],
    rows: [
      [
        stat('PENDING payments', 'short', acrossReplicas('bookstore_payments_pending', [])),
        stat('Oldest PENDING', 's', acrossReplicas('bookstore_payments_pending_oldest_age_seconds', [])),
        stat('Breaker to the card processor (0 closed, 1 open, 2 half-open)', 'short', acrossReplicas(breaker, [])),
      ],
      [
        series('PENDING payments', 'short', [{ expr: acrossReplicas('bookstore_payments_pending', []), legend: 'pending' }]),
        series('Age of the oldest PENDING payment', 's', [{ expr: acrossReplicas('bookstore_payments_pending_oldest_age_seconds', []), legend: 'oldest' }]),
        series('Breaker state per replica', 'short', [{ expr: breaker, legend: '{{pod}}' }]),
      ],
      [
        series('PaymentService answered/s by method and code', 'reqps', [{ expr: `sum by (grpc_method, grpc_code) (rate(grpc_server_handled_total{${served}}[${rateWindow}]))`, legend: '{{grpc_method}} {{grpc_code}}' }]),
        series('PaymentService p99 by method', 's', [{ expr: quantile(0.99, 'grpc_server_handling_seconds', ['grpc_method'], served), legend: '{{grpc_method}}' }]),
        series('Payment events published/s', 'short', [{ expr: `sum by (event) (rate(bookstore_events_published_total{service="${payment.name}"}[${rateWindow}]))`, legend: '{{event}}' }]),
      ],
    ],
  };
}

function stat(title: string, unit: string, expr: string): PanelSpec {
  return { title, kind: 'stat', unit, queries: [{ expr, legend: title }] };
}

function series(title: string, unit: string, queries: PanelSpec['queries']): PanelSpec {
  return { title, kind: 'timeseries', unit, queries };
}
