import { expect } from 'chai';
import { startAdminServer, type AdminServer, type Readiness } from '#kit/admin/admin-server.js';
import { freePort } from '#kit/process/ports.js';
import { sampleSum, samplesOf } from '#kit-testing/metrics.js';
import { memoryLog } from '../grpc/support/memory-log.js';
import { rawCatalog, rawGetBook } from '#kit-testing/grpc-probes.js';
import { startTestCatalog } from '../grpc/support/test-catalog.js';

describe('kit admin server', () => {
  let admin: AdminServer;
  let readiness: () => Promise<Readiness>;
  const get = (path: string): Promise<Response> => fetch(`http://127.0.0.1:${admin.port}${path}`);

  beforeEach(async () => {
    readiness = () => Promise.resolve({ ok: true, checks: { database: true, broker: true } });
    admin = await startAdminServer({ port: await freePort(), host: '127.0.0.1', readiness: () => readiness(), log: memoryLog().log });
  });
  afterEach(() => admin.close());

  it('is live while the process runs', async () => {
    const response = await get('/livez');
    expect(response.status).to.equal(200);
  });

  it('is ready when every check passes, and says which checks it made', async () => {
    const response = await get('/readyz');
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ ok: true, checks: { database: true, broker: true } });
  });

  it('answers 503 with the failing checks when not ready', async () => {
    readiness = () => Promise.resolve({ ok: false, checks: { database: true, broker: 'no connection to nats://127.0.0.1:4222' } });
    const response = await get('/readyz');
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({ ok: false, checks: { database: true, broker: 'no connection to nats://127.0.0.1:4222' } });
  });

  it('answers 503 when the readiness check itself fails', async () => {
    readiness = () => Promise.reject(new Error('pool exhausted'));
    const response = await get('/readyz');
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({ ok: false, checks: { readiness: 'pool exhausted' } });
  });

  it('stays not ready once marked so, and stays live', async () => {
    admin.markNotReady();
    expect((await get('/readyz')).status).to.equal(503);
    expect((await get('/livez')).status).to.equal(200);
  });

  it('serves Node metrics and the gRPC server metrics (grpc-prometheus names) to Prometheus', async () => {
    const memory = memoryLog();
    const catalog = await startTestCatalog(memory.log);
    const client = rawCatalog(catalog.address);
    try {
      await rawGetBook(client, { id: 1 });
    } finally {
      client.close();
      await catalog.server.shutdown(0);
    }
    const response = await get('/metrics');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.contain('text/plain');
    const text = await response.text();
    const samples = samplesOf(text);
    const getBook = { grpc_type: 'unary', grpc_service: 'bookstore.catalog.v1.CatalogService', grpc_method: 'GetBook' };
    expect(sampleSum(samples, 'grpc_server_started_total', getBook)).to.be.at.least(1);
    expect(sampleSum(samples, 'grpc_server_handled_total', { ...getBook, grpc_code: 'OK' })).to.be.at.least(1);
    expect(sampleSum(samples, 'grpc_server_handling_seconds_count', { ...getBook, grpc_code: 'OK' })).to.be.at.least(1);
    expect(sampleSum(samples, 'grpc_server_handling_seconds_bucket', { ...getBook, grpc_code: 'OK', le: '+Inf' })).to.be.at.least(1);
    expect(text).to.contain('nodejs_heap_size_used_bytes');
  });

  it('collects default metrics once however many admin servers start', async () => {
    const second = await startAdminServer({ port: 0, host: '127.0.0.1', readiness, log: memoryLog().log });
    try {
      expect(second.port).to.be.greaterThan(0);
      expect((await fetch(`http://127.0.0.1:${second.port}/metrics`)).status).to.equal(200);
    } finally {
      await second.close();
    }
  });

  it('answers 404 for anything else', async () => {
    expect((await get('/nope')).status).to.equal(404);
  });
});
