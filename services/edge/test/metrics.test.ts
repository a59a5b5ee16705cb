import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { sampleSum, samplesOf, type Sample } from '#kit-testing/metrics.js';
import { startEdgeWithFakeCatalog, type EdgeUnderTest } from './support/edge-with-fake-catalog.js';

describe('edge: metrics on its admin port', () => {
  let under: EdgeUnderTest;

  before(async () => {
    under = await startEdgeWithFakeCatalog();
  });
  after(() => under.stop());

  const metrics = async (): Promise<Sample[]> => {
    const response = await fetch(`http://127.0.0.1:${String(under.edge.adminPort)}/metrics`);
    expect(response.status).to.equal(200);
    return samplesOf(await response.text());
  };

  it('counts requests by route template (never the raw path), method and status, and times them', async () => {
    const requests = (samples: Sample[], labels: Record<string, string>): number => sampleSum(samples, 'bookstore_edge_requests_total', labels);
    const timed = (samples: Sample[], labels: Record<string, string>): number => sampleSum(samples, 'bookstore_edge_request_duration_seconds_count', labels);
    const getBook = { route: '/books/{id}', method: 'GET' };
    const before = await metrics();

    expect((await under.call('GET', '/books/1')).status).to.equal(200);
    expect((await under.call('GET', '/books/2')).status).to.equal(200);
    under.catalog.failure = { code: status.NOT_FOUND, message: 'book 3 not found' };
    expect((await under.call('GET', '/books/3')).status).to.equal(404);
    under.catalog.failure = undefined;
    expect((await under.call('POST', '/books', { body: { bookName: 'x', stock: 1 }, headers: { authorization: '' } })).status).to.equal(401);
    expect((await under.call('GET', '/nowhere/7')).status).to.equal(404);

    const after = await metrics();
    const added = (count: (samples: Sample[], labels: Record<string, string>) => number, labels: Record<string, string>): number => count(after, labels) - count(before, labels);
    expect(added(requests, { ...getBook, status: '200' })).to.equal(2);
    expect(added(requests, { ...getBook, status: '404' })).to.equal(1);
    expect(added(timed, getBook)).to.equal(3);
    expect(added(requests, { route: '/books', method: 'POST', status: '401' })).to.equal(1);
    expect(added(requests, { route: 'unmatched', method: 'GET', status: '404' })).to.equal(1);
    expect(after.some((sample) => sample.labels.route?.includes('nowhere') === true || sample.labels.route === '/books/1')).to.be.false;
  });

  it('counts its calls to the services as a gRPC client, and answers /readyz and /livez there', async () => {
    await under.call('GET', '/books/1');
    const getBook = { grpc_type: 'unary', grpc_service: 'bookstore.catalog.v1.CatalogService', grpc_method: 'GetBook', grpc_code: 'OK' };
    expect(sampleSum(await metrics(), 'grpc_client_handled_total', getBook)).to.be.at.least(1);
    for (const path of ['/readyz', '/livez']) expect((await fetch(`http://127.0.0.1:${String(under.edge.adminPort)}${path}`)).status).to.equal(200);
  });
});
