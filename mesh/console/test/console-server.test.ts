import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { startAdminServer, type AdminServer, type Readiness } from '#kit/admin/admin-server.js';
import { serverCalls } from '#kit/grpc/call-metrics.js';
import { createLogger } from '#kit/log/log.js';
import { freePort, waitFor } from '#kit/process/ports.js';
import { startConsole, type Console } from '../console-server.js';
import type { Overview } from '../scraper.js';

/** The console's server against real admin servers of the kit (the one every service runs). */
describe('the console server', () => {
  let admin: AdminServer;
  let readiness: Readiness;
  let meshConsole: Console;
  let silentPort: number;

  before(async () => {
    readiness = { ok: true, checks: { database: true } };
    admin = await startAdminServer({ port: 0, host: '127.0.0.1', readiness: () => Promise.resolve(readiness), log: createLogger('console-test', 'fatal') });
    silentPort = await freePort();
    meshConsole = await startConsole({
      port: 0,
      targets: () => [
        { service: 'catalog', replica: 'catalog', readyUrl: `http://127.0.0.1:${admin.port}/readyz`, metricsUrl: `http://127.0.0.1:${admin.port}/metrics` },
        { service: 'order', replica: 'order', readyUrl: `http://127.0.0.1:${silentPort}/readyz`, metricsUrl: `http://127.0.0.1:${silentPort}/metrics` },
      ],
      tracesUrl: undefined,
      scrapeIntervalMs: 100,
      windowMs: 5_000,
    });
  });

  after(async () => {
    await meshConsole.close();
    await admin.close();
  });

  const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${meshConsole.url}${path}`, init);
  const overview = async (): Promise<Overview> => (await (await get('/api/overview')).json()) as Overview;
  const replica = async (service: string) => (await overview()).services.find((view) => view.name === service)?.replicas[0];

  it('computes a replica\'s requests/s from its /metrics and its health from /readyz', async () => {
    await waitFor(async () => (await replica('catalog'))?.requestsPerSecond !== null, 'two scrapes of catalog', 10_000, 50);
    // Calls as the kit's gRPC server counts them, into the registry this process's admin server serves.
    const getBook = serverCalls('/bookstore.catalog.v1.CatalogService/GetBook');
    for (let call = 0; call < 50; call += 1) getBook.handled(status.OK, getBook.started());
    await waitFor(async () => ((await replica('catalog'))?.requestsPerSecond ?? 0) > 0, 'catalog requests/s above zero', 10_000, 50);
    expect(await replica('catalog')).to.deep.include({ health: { status: 'ready' }, errorRatio: 0, scraped: true });
  });

  it('says which checks fail when a replica is not ready, and lists one that does not answer as down', async () => {
    readiness = { ok: false, checks: { database: true, broker: 'no connection' } };
    await waitFor(async () => (await replica('catalog'))?.health.status === 'not-ready', 'catalog not ready', 10_000, 50);
    expect((await replica('catalog'))?.health).to.deep.equal({ status: 'not-ready', detail: 'broker: no connection' });
    expect((await replica('order'))?.health.status).to.equal('down');
    expect((await replica('order'))?.metricsProblem).to.equal('/metrics does not answer');
  });

  it('serves the page, and refuses what it does not serve', async () => {
    const page = await get('/');
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(await page.text()).to.contain('<script src="/console.js"');
    expect((await get('/console.js')).headers.get('content-type')).to.match(/^text\/javascript/);
    expect((await get('/nothing')).status).to.equal(404);
    expect((await get('/api/overview', { method: 'POST' })).status).to.equal(405);
  });

  it('asks for an order\'s trace only with a whole order id, and says when the mesh keeps no traces', async () => {
    for (const orderId of ['', '0', 'abc', '1 OR 1=1', '12345678901234567890']) {
      const response = await get(`/api/traces?orderId=${encodeURIComponent(orderId)}`);
      expect(response.status, orderId).to.equal(400);
    }
    const response = await get('/api/traces?orderId=1');
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({ error: 'this mesh keeps no traces' });
  });
});
