import { expect } from 'chai';
import { meshServices } from '../../policy/services.js';
import { dashboardExpressions, exposedLabels, exposedMetricNames, metricNames, natsExporterMetrics, ruleExpressions, scrapeLabels, selectorLabels } from '../../test/support/promql.js';
import { id, shopForSuite } from './shop.js';

/**
 * The dashboards and alert rules (mesh/observability) name only metrics the shop exports: the local
 * mesh runs, an order goes through, and every replica's admin /metrics and the edge's are read.
 */
describe('dashboards and alerts name only metrics a running shop exports', function () {
  this.timeout(300_000);
  const shop = shopForSuite();

  const scrape = async (url: string): Promise<string> => {
    const response = await fetch(url);
    expect(response.status, url).to.equal(200);
    return response.text();
  };

  it('after an order, every metric a dashboard or rule selects is on some replica\'s /metrics or the edge\'s', async () => {
    const rest = shop().rest;
    const bookId = id(await rest.post('/books', { bookName: 'Observed', stock: 5, price: 1500 }));
    const customerId = id(await rest.post('/customers', { name: 'Olga', email: 'olga@example.com' }));
    const orderId = id(await rest.post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '1 Metric Road' }));
    await shop().eventually('the order to start delivery', async () => ((await rest.get(`/orders/${orderId}`)) as { state?: string }).state, (state) => state === 'DELIVERY_STARTED');

    const urls = [
      ...meshServices.flatMap((service) => Array.from({ length: shop().mesh.replicaCount(service.name) }, (_, replica) => `${shop().mesh.adminUrl(service.name, replica)}/metrics`)),
      `${shop().mesh.edgeAdminUrl}/metrics`,
    ];
    const expositions = await Promise.all(urls.map(scrape));
    const exported = new Set(expositions.flatMap((text) => [...exposedMetricNames(text)]));
    expect(exported.has('bookstore_events_published_total'), 'the scrape reads the kit\'s metrics').to.equal(true);
    expect(expositions.join('\n')).to.match(/^bookstore_events_published_total\{[^}]*event="[^"]*OrderPlaced[^"]*"[^}]*\} [1-9]/m);

    const selected = [...dashboardExpressions(), ...ruleExpressions()].flatMap(({ where, expr }) => metricNames(expr).map((name) => ({ where, name })));
    const missing = selected.filter(({ name }) => !exported.has(name) && !natsExporterMetrics.includes(name)).map(({ where, name }) => `${name} (${where})`);
    expect([...new Set(missing)]).to.deep.equal([]);
    // A label a selector matches on is one the metric's samples carry (or the scrape adds).
    const carried = new Map<string, Set<string>>();
    for (const text of expositions) for (const [name, labels] of exposedLabels(text)) carried.set(name, new Set([...(carried.get(name) ?? []), ...labels]));
    const unknownLabels = [...dashboardExpressions(), ...ruleExpressions()].flatMap(({ where, expr }) =>
      selectorLabels(expr).flatMap(({ metric, labels }) => {
        const known = carried.get(metric);
        return known === undefined ? [] : labels.filter((label) => !known.has(label) && !scrapeLabels.includes(label)).map((label) => `${metric}{${label}} (${where})`);
      }),
    );
    expect([...new Set(unknownLabels)]).to.deep.equal([]);
    // The exemption is for the NATS exporter's own names only, and each is still used.
    for (const name of natsExporterMetrics) {
      expect(name).to.match(/^(gnatsd_varz|jetstream)_/);
      expect(exported.has(name), `${name} is exported here after all: drop its exemption`).to.equal(false);
      expect(selected.some((entry) => entry.name === name), `${name} is exempted but no dashboard uses it`).to.equal(true);
    }
  });
});
