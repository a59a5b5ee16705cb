import { expect } from 'chai';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { increaseBetween, quantile, ratesOf, type Scrape } from '../figures.js';
import { parsePrometheusText } from '#kit/admin/prometheus-text.js';
import { serviceStateOf, stateOf } from '../state.js';

/** A replica's registry with the contract's metrics, as prom-client serves them. */
function replica() {
  const registry = new Registry();
  const labelNames = ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'] as const;
  const handled = new Counter({ name: 'grpc_server_handled_total', help: 'handled', labelNames, registers: [registry] });
  const seconds = new Histogram({ name: 'grpc_server_handling_seconds', help: 'latency', labelNames, buckets: [0.01, 0.1, 1], registers: [registry] });
  const events = new Counter({ name: 'bookstore_events_handled_total', help: 'events', labelNames: ['consumer', 'event'], registers: [registry] });
  const call = (method: string, code: string, took: number): void => {
    const labels = { grpc_type: 'unary', grpc_service: 'bookstore.order.v1.OrderService', grpc_method: method, grpc_code: code };
    handled.inc(labels);
    seconds.observe(labels, took);
  };
  const scrape = async (atMs: number): Promise<Scrape> => ({ atMs, samples: parsePrometheusText(await registry.metrics()) });
  return { registry, call, events, scrape };
}

describe('the console figures', () => {
  it('computes requests/s, the error ratio (failures of the shop only) and p99 from two scrapes', async () => {
    const order = replica();
    order.call('GetOrder', 'OK', 0.005);
    const before = await order.scrape(0);
    for (let call = 0; call < 90; call += 1) order.call('PlaceOrder', 'OK', 0.05);
    for (let call = 0; call < 5; call += 1) order.call('GetOrder', 'NOT_FOUND', 0.005);
    for (let call = 0; call < 5; call += 1) order.call('PlaceOrder', 'UNAVAILABLE', 0.5);
    order.events.inc({ consumer: 'order-payments', event: 'PaymentSettled' }, 20);

    const increase = increaseBetween([before, await order.scrape(10_000)]);
    const rates = ratesOf(increase === undefined ? [] : [increase]);

    expect(rates.requestsPerSecond).to.equal(10);
    expect(rates.errorRatio).to.equal(0.05);
    expect(rates.eventsPerSecond).to.equal(2);
    // 95 of the 100 calls took up to 0.1 s, 5 up to 1 s: rank 99 lies 4/5 into the (0.1, 1] bucket.
    expect(rates.p99Seconds).to.be.closeTo(0.1 + 0.9 * (4 / 5), 1e-9);
  });

  it('counts a restarted replica\'s counters from zero, as a reset', async () => {
    const before = replica();
    for (let call = 0; call < 50; call += 1) before.call('PlaceOrder', 'OK', 0.05);
    const restarted = replica();
    for (let call = 0; call < 4; call += 1) restarted.call('PlaceOrder', 'OK', 0.05);

    const increase = increaseBetween([await before.scrape(0), await restarted.scrape(2_000)]);

    expect(increase?.handled).to.equal(4);
    expect(ratesOf(increase === undefined ? [] : [increase]).requestsPerSecond).to.equal(2);
  });

  it('adds the replicas\' rates and merges their buckets for the service', async () => {
    const [first, second] = [replica(), replica()];
    const starts = await Promise.all([first.scrape(0), second.scrape(0)]);
    for (let call = 0; call < 10; call += 1) first.call('PlaceOrder', 'OK', 0.005);
    second.call('PlaceOrder', 'INTERNAL', 0.5);
    const increases = [increaseBetween([starts[0], await first.scrape(1_000)]), increaseBetween([starts[1], await second.scrape(1_000)])].filter((increase) => increase !== undefined);

    const service = ratesOf(increases);

    expect(service.requestsPerSecond).to.equal(11);
    expect(service.errorRatio).to.equal(1 / 11);
    expect(service.p99Seconds).to.be.greaterThan(0.1);
  });

  it('counts the edge\'s REST requests, 5xx answers as errors and 4xx as the caller\'s', async () => {
    const registry = new Registry();
    const requests = new Counter({ name: 'bookstore_edge_requests_total', help: 'requests', labelNames: ['route', 'method', 'status'], registers: [registry] });
    const seconds = new Histogram({ name: 'bookstore_edge_request_duration_seconds', help: 'latency', labelNames: ['route', 'method'], buckets: [0.1, 1], registers: [registry] });
    const scrape = async (atMs: number): Promise<Scrape> => ({ atMs, samples: parsePrometheusText(await registry.metrics()) });
    const before = await scrape(0);
    for (const status of ['200', '200', '404', '429', '503']) {
      requests.inc({ route: '/orders', method: 'POST', status });
      seconds.observe({ route: '/orders', method: 'POST' }, 0.05);
    }

    const increase = increaseBetween([before, await scrape(1_000)]);
    const rates = ratesOf(increase === undefined ? [] : [increase]);

    expect(rates).to.include({ requestsPerSecond: 5, errorRatio: 1 / 5 });
    expect(rates.p99Seconds).to.be.lessThanOrEqual(0.1);
  });

  it('has no error ratio and no p99 without calls, and no rates from one scrape', async () => {
    const idle = replica();
    const scrape = await idle.scrape(0);
    expect(increaseBetween([scrape])).to.equal(undefined);
    expect(ratesOf([])).to.deep.equal({ requestsPerSecond: null, errorRatio: null, p99Seconds: null, eventsPerSecond: null });
    const rates = ratesOf([increaseBetween([scrape, await idle.scrape(1_000)])].filter((increase) => increase !== undefined));
    expect(rates).to.deep.equal({ requestsPerSecond: 0, errorRatio: null, p99Seconds: null, eventsPerSecond: 0 });
  });

  it('takes a quantile as histogram_quantile does: linear inside the bucket, the highest finite bound past it', () => {
    expect(quantile(0.5, new Map([[1, 50], [2, 100], [Infinity, 100]]))).to.equal(1);
    expect(quantile(0.75, new Map([[1, 50], [2, 100], [Infinity, 100]]))).to.equal(1.5);
    expect(quantile(0.99, new Map([[1, 50], [2, 60], [Infinity, 100]]))).to.equal(2);
    expect(quantile(0.99, new Map([[1, 0], [Infinity, 0]]))).to.equal(null);
  });

  it('reads breakers, consumer lag, the outbox and dead letters, and sums them up per service', async () => {
    const states = await Promise.all(
      [{ breaker: 1, pending: 7, dead: 2 }, { breaker: 0, pending: 3, dead: 1 }].map(async ({ breaker, pending, dead }) => {
        const registry = new Registry();
        new Gauge({ name: 'bookstore_circuit_breaker_state', help: 'breaker', labelNames: ['caller', 'callee'], registers: [registry] }).set({ caller: 'order', callee: 'catalog' }, breaker);
        new Gauge({ name: 'bookstore_consumer_pending_messages', help: 'pending', labelNames: ['consumer'], registers: [registry] }).set({ consumer: 'order-payments' }, pending);
        new Gauge({ name: 'bookstore_consumer_ack_pending_messages', help: 'ack pending', labelNames: ['consumer'], registers: [registry] }).set({ consumer: 'order-payments' }, 1);
        new Gauge({ name: 'bookstore_outbox_pending', help: 'outbox', registers: [registry] }).set(pending);
        new Gauge({ name: 'bookstore_outbox_oldest_age_seconds', help: 'age', registers: [registry] }).set(12);
        new Counter({ name: 'bookstore_events_dead_lettered_total', help: 'dead', labelNames: ['consumer', 'event'], registers: [registry] }).inc({ consumer: 'order-payments', event: 'PaymentSettled' }, dead);
        return stateOf(parsePrometheusText(await registry.metrics()));
      }),
    );

    expect(states[0]?.breakers).to.deep.equal([{ callee: 'catalog', state: 'open' }]);
    expect(states[0]?.payments).to.equal(null);
    expect(serviceStateOf(states)).to.deep.equal({
      breakers: [{ callee: 'catalog', state: 'open' }],
      consumers: [{ consumer: 'order-payments', pending: 7, ackPending: 1 }],
      outbox: { pending: 7, oldestAgeSeconds: 12 },
      deadLetters: [{ consumer: 'order-payments', event: 'PaymentSettled', count: 3 }],
      payments: null,
    });
  });
});
