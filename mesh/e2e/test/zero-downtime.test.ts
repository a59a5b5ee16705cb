import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { chaosLine, runChaos } from '../../chaos/chaos.js';
import { meshServices } from '../../policy/services.js';
import { runLoad } from '../../load/load.js';
import { RouteTokens } from '../../tokens/route-tokens.js';
import { breakerState, field, id, Shop, type Json } from './shop.js';

/** What no client may ever read in an error: addresses, socket errors, grpc-js internals. */
const transportDetail = /\d+\.\d+\.\d+\.\d+|:\d{4,5}\b|ECONN|EPIPE|socket|Deadline exceeded after|LB pick|remote_addr|No connection established|RST_STREAM/i;

describe('zero downtime: two replicas of every service', function () {
  this.timeout(600_000);
  let shop: Shop;

  before(async () => {
    shop = await Shop.open({ replicas: Object.fromEntries(meshServices.map((service) => [service.name, 2])), supervise: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await shop.close();
  });

  const rest = () => shop.rest;

  it('a rolling restart of every replica under load fails no request', async () => {
    const stopLoad = new AbortController();
    const load = runLoad(shop.mesh.edgeUrl, { concurrency: 4, until: stopLoad.signal, tokenFor: new RouteTokens(shop.tokens, shop.mesh.edgeUrl).tokenFor });
    const steps: string[] = [];
    try {
      await shop.mesh.rollout((line) => steps.push(line));
    } finally {
      stopLoad.abort();
    }
    const report = await load;
    console.log(`      ${report.requests} requests during the rollout: ${JSON.stringify(report.byStatus)}`);
    expect(steps.filter((step) => step.includes('replaced'))).to.have.length(meshServices.length * 2);
    expect(report.requests).to.be.greaterThan(0);
    expect(report.failures).to.deep.equal([]);
    // The load keeps within the edge's rate limit, so the edge turns none of it away.
    expect(report.rateLimited).to.equal(0);
  });

  it('the supervisor replaces a zombie replica', async () => {
    const catalog = shop.mesh.process('catalog', 1);
    const before = catalog.pid;
    const zombie = await fetch(`${shop.mesh.adminUrl('catalog', 1)}/faults/zombie`, { method: 'POST' });
    expect(zombie.status).to.equal(202);
    await shop.eventually('the zombie to be replaced by a ready process', () => Promise.resolve({ pid: catalog.pid, ready: catalog.ready }), (now) => now.ready && now.pid !== before);
    expect((await fetch(`${shop.mesh.adminUrl('catalog', 1)}/livez`)).status).to.equal(200);
    expect(shop.logs.some((line) => line.includes('catalog-2 failed liveness 3 times in a row'))).to.equal(true);
  });

  it('a service that is down is named in the error, with no transport detail', async () => {
    const customerId = id(await rest().post('/customers', { name: 'Nadia', email: 'nadia@example.com' }));
    const customers = [shop.mesh.process('customer', 0), shop.mesh.process('customer', 1)];
    await Promise.all(customers.map((process) => process.stop()));
    try {
      const refused = await Shop.refusal(rest().get(`/customers/${customerId}`));
      expect(refused).to.include({ status: 503, code: 14, message: 'customer is unavailable' });
    } finally {
      await Promise.all(customers.map((process) => process.start()));
    }
    // The edge reconnects within its reconnect backoff (channel-target.ts).
    await shop.eventually('the edge to reach customer again', () => rest().get(`/customers/${customerId}`).catch(() => undefined), (customer) => customer !== undefined);
    // The token service reads customers too when they sign in, over a channel of its own.
    await shop.eventually('a customer to sign in again', () => shop.tokens.customer(customerId).catch(() => undefined), (token) => token !== undefined);
  });

  it("a caller answers its dependency's outage as ABORTED; the first orders after the dependency is ready again are accepted", async () => {
    const bookId = id(await rest().post('/books', { bookName: 'Breaker', stock: 50 }));
    const customerId = id(await rest().post('/customers', { name: 'Otto', email: 'otto@example.com' }));
    const catalogs = [shop.mesh.process('catalog', 0), shop.mesh.process('catalog', 1)];
    const orderReplicas = [0, 1].map((replica) => shop.mesh.adminUrl('order', replica));
    await Promise.all(catalogs.map((process) => process.stop()));
    let logged = shop.logs.length;
    try {
      const refusals = [];
      // Enough failed lookups to open every order replica's circuit to catalog.
      for (let attempt = 0; attempt < 12; attempt += 1) {
        refusals.push(await Shop.refusal(rest().post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '3 Breaker Row' })));
      }
      for (const refused of refusals) {
        expect(refused).to.include({ status: 409, code: 10 });
        expect(refused.message).to.match(/^catalog is unavailable/);
        expect(refused.message).not.to.match(transportDetail);
      }
      expect(refusals.some((refused) => refused.message.includes('circuit open'))).to.equal(true);
      expect(await Promise.all(orderReplicas.map((adminUrl) => breakerState(adminUrl, 'catalog')))).to.deep.equal([1, 1]);
      logged = shop.logs.length;
    } finally {
      await Promise.all(catalogs.map((process) => process.start()));
    }
    // No order is placed meanwhile, so nothing but catalog's readiness can half-open the circuits.
    await shop.eventually(
      'both order replicas to see catalog ready again',
      () => Promise.resolve(['order-1', 'order-2'].filter((label) => shop.logs.slice(logged).some((line) => line.startsWith(`${label} `) && line.includes('catalog is ready again')))),
      (told) => told.length === 2,
    );
    // The edge balances round robin over both order replicas, so two orders in a row reach both.
    for (let order = 0; order < 2; order += 1) {
      const accepted = await rest().post('/orders', { customerId, bookId, quantity: 1, deliveryAddress: '3 Breaker Row' });
      expect(field(accepted, 'state')).to.be.oneOf(['ORDERED', 'DELIVERY_STARTED']);
    }
    expect(await Promise.all(orderReplicas.map((adminUrl) => breakerState(adminUrl, 'catalog')))).to.deep.equal([0, 0]);
    // The edge's own channel to catalog reconnects within its reconnect backoff (channel-target.ts);
    // the next test starts from a shop whose every door is open again.
    await shop.eventually('the edge to reach catalog again', () => rest().get(`/books/${bookId}`).catch(() => undefined), (book) => book !== undefined);
  });

  it('a retried create with the same requestId returns the first result and creates nothing new', async () => {
    const twice = async (path: string, body: Json): Promise<[Json, Json]> => [(await rest().post(path, body)) as Json, (await rest().post(path, body)) as Json];
    const [book, bookAgain] = await twice('/books', { bookName: 'Once', stock: 2, requestId: 'book-once' });
    expect(bookAgain).to.deep.equal(book);
    const [input, inputAgain] = await twice('/stockInputs', { bookId: id(book), quantity: 3, inCharger: 'kim', requestId: 'input-once' });
    expect(inputAgain).to.deep.equal(input);
    expect(field(await rest().get(`/books/${id(book)}`), 'stock')).to.equal('5');
    const [customer, customerAgain] = await twice('/customers', { name: 'Once', email: 'once@example.com', requestId: 'customer-once' });
    expect(customerAgain).to.deep.equal(customer);
    const [coupon, couponAgain] = await twice('/coupons', { customerId: id(customer), discount: 100, requestId: 'coupon-once' });
    expect(couponAgain).to.deep.equal(coupon);
    const [order, orderAgain] = await twice('/orders', { customerId: id(customer), bookId: id(book), quantity: 1, deliveryAddress: '5 Once Street', requestId: 'order-once' });
    expect(orderAgain).to.deep.include({ id: id(order) });
    expect(await rest().all('/orders', 'orders', { customerId: id(customer) })).to.have.length(1);
    expect(await rest().all('/coupons', 'coupons', { customerId: id(customer) })).to.have.length(1);
    const reused = await Shop.refusal(rest().post('/customers', { name: 'Someone else', requestId: 'customer-once' }));
    expect(reused).to.include({ status: 400, code: 9 });
  });

  it('a small seeded chaos run (SIGKILLs of replicas and NATS) loses and duplicates nothing, and every invariant holds', async () => {
    const report = await runChaos(shop.mesh, rest(), { seed: 20261206, operations: 120, concurrency: 4, kills: 3, quietTimeoutMs: 90_000 });
    console.log(`      ${chaosLine(report)} (killed: ${report.kills.join(', ')})`);
    for (const violation of report.violations.slice(0, 5)) console.log(`      invariant ${violation.invariant}: ${violation.message}`);
    expect(report.kills, 'every requested kill happened during the workload').to.have.length(3);
    expect(report.acknowledged).to.be.greaterThan(0);
    expect({ lost: report.lost, duplicated: report.duplicated, violations: report.violations }).to.deep.equal({ lost: 0, duplicated: 0, violations: [] });
  });

  describe('a write whose deadline passed is not committed', () => {
    /**
     * Holds the service's SQLite write lock while the edge's deadline (300 ms) passes, so the write
     * reaches its commit only after the caller was told 504; once the service has finished the call,
     * the test checks that it left nothing.
     */
    const refusedLate = async (service: string, rpc: string, path: string, body: Json): Promise<void> => {
      const lock = new Database(join(shop.mesh.dataDir, `${service}.sqlite`));
      const logged = shop.logs.length;
      try {
        lock.exec('BEGIN IMMEDIATE');
        const token = await new RouteTokens(shop.tokens, shop.mesh.edgeUrl).tokenFor('POST', path, body);
        const response = await fetch(`${shop.mesh.edgeUrl}${path}`, {
          method: 'POST',
          headers: { 'grpc-timeout': '300m', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(body),
        });
        const answer = (await response.json()) as Json;
        expect(response.status).to.equal(504);
        expect(String(answer.message)).to.equal(`${service} did not answer within 300 ms`);
      } finally {
        lock.exec('ROLLBACK');
        lock.close();
      }
      await shop.eventually(
        `${rpc} to finish in ${service}`,
        () => Promise.resolve(shop.logs.slice(logged).some((line) => line.includes(`/${rpc}"`) && line.includes('"msg":"grpc call"'))),
        (seen) => seen,
      );
    };

    it('CreateBook, InputStock, IssueCoupon, RegisterCustomer and PlaceOrder each leave nothing', async () => {
      const bookId = id(await rest().post('/books', { bookName: 'On time', stock: 3 }));
      const customerId = id(await rest().post('/customers', { name: 'Punctual', email: 'punctual@example.com' }));

      await refusedLate('catalog', 'CreateBook', '/books', { bookName: 'Too late', stock: 1 });
      expect(((await rest().all('/books', 'books')) as Json[]).map((book) => book.bookName)).not.to.include('Too late');

      await refusedLate('catalog', 'InputStock', '/stockInputs', { bookId, quantity: 7, inCharger: 'late' });
      expect(field(await rest().get(`/books/${bookId}`), 'stock')).to.equal('3');

      await refusedLate('coupon', 'IssueCoupon', '/coupons', { customerId, discount: 100 });
      expect(await rest().all('/coupons', 'coupons', { customerId })).to.deep.equal([]);

      await refusedLate('customer', 'RegisterCustomer', '/customers', { name: 'Too late' });
      expect(((await rest().all('/customers', 'customers')) as Json[]).map((customer) => customer.name)).not.to.include('Too late');

      await refusedLate('order', 'PlaceOrder', '/orders', { customerId, bookId, quantity: 1, deliveryAddress: '4 Late Road' });
      expect(await rest().all('/orders', 'orders', { customerId })).to.deep.equal([]);
    });
  });
});
