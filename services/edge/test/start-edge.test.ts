import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '#kit/config/config.js';
import { waitFor } from '#kit/process/ports.js';
import { callPolicy } from '../../../mesh/policy/resilience.js';
import { edgePort, meshService } from '../../../mesh/policy/services.js';
import { readEdgeConfig } from '../src/config.js';
import { RouteTableError } from '../src/routing/route-table.js';
import { startEdge } from '../src/start-edge.js';
import { descriptorSetPath } from './support/bookstore-descriptors.js';
import { startEdgeWithFakeCatalog } from './support/edge-with-fake-catalog.js';
import { httpCall } from './support/http-client.js';
import { shelfDescriptorSet, shelfService } from './support/shelf-protos.js';

describe('edge: process life', () => {
  describe('configuration from the environment', () => {
    it('defaults to :8080, the descriptor set of `make proto`, and each service at its local mesh port', () => {
      const config = readEdgeConfig({});
      const catalog = meshService('catalog');
      expect(config).to.deep.include({ host: '0.0.0.0', port: edgePort, descriptorSetPath, logLevel: 'info' });
      expect(config.backends).to.deep.include({
        grpcService: 'bookstore.catalog.v1.CatalogService',
        callee: 'catalog',
        address: `127.0.0.1:${catalog.localGrpcPort}`,
        deadlineMs: callPolicy('edge', 'catalog').deadlineMs,
        retries: callPolicy('edge', 'catalog').retries,
      });
    });

    it('takes a service address from <NAME>_ADDR', () => {
      const config = readEdgeConfig({ CATALOG_ADDR: 'catalog.bookstore.svc:50051', EDGE_PORT: '9000' });
      expect(config.port).to.equal(9000);
      expect(config.backends.find((backend) => backend.grpcService === 'bookstore.catalog.v1.CatalogService')?.address).to.equal('catalog.bookstore.svc:50051');
    });

    it('names every bad value at once', () => {
      expect(() => readEdgeConfig({ CATALOG_ADDR: 'nowhere', EDGE_PORT: 'eighty' }))
        .to.throw(ConfigError)
        .that.satisfies((error: ConfigError) => error.problems.some((problem) => problem.startsWith('CATALOG_ADDR')) && error.problems.some((problem) => problem.startsWith('EDGE_PORT')));
    });
  });

  it('does not start without its descriptor set, and says how to make it', async () => {
    const config = { ...readEdgeConfig({ EDGE_PORT: '0', LOG_LEVEL: 'silent' }), descriptorSetPath: '/nowhere/bookstore.binpb' };
    let failure: unknown;
    await startEdge(config).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('run `make proto`');
  });

  it("refuses to start on a response_body naming a field that is not a google.api.HttpBody, in Envoy's words", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'edge-descriptors-'));
    const brokenSet = join(directory, 'shelf.binpb');
    writeFileSync(brokenSet, shelfDescriptorSet([{ name: 'GetBook', input: 'GetBookRequest', output: 'GetBookResponse', http: { get: '/v1/books/{id}', response_body: 'book' } }]));
    const config = { ...readEdgeConfig({ EDGE_PORT: '0', LOG_LEVEL: 'silent' }), descriptorSetPath: brokenSet, backends: [{ grpcService: shelfService, callee: 'shelf', address: '127.0.0.1:1', deadlineMs: 1000, retries: callPolicy('edge', 'catalog').retries }] };
    try {
      const failure: unknown = await startEdge(config).then(
        async (edge) => {
          await edge.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(RouteTableError);
      expect(String(failure)).to.contain('Setting "response_body" is not supported yet for non-HttpBody fields: edge.test.v1.ShelfService.GetBook');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('answers GET /livez and /readyz', async () => {
    const under = await startEdgeWithFakeCatalog();
    try {
      for (const path of ['/livez', '/readyz']) {
        const answer = await under.call('GET', path);
        expect(answer.status, path).to.equal(200);
        expect(answer.json, path).to.deep.equal({ status: 'SERVING' });
      }
    } finally {
      await under.stop();
    }
  });

  it('drains on close: stops taking connections, lets the request in flight finish, then stops', async () => {
    const under = await startEdgeWithFakeCatalog();
    let release = (): void => undefined;
    under.catalog.hold = new Promise((resolve) => {
      release = resolve;
    });
    const inFlight = under.call('GET', '/books/1');
    await waitFor(() => Promise.resolve(under.catalog.calls.length === 1), 'the request to reach the catalog');

    let closed = false;
    const closing = under.edge.close().then(() => {
      closed = true;
    });
    const refused = await httpCall(under.edge.url, 'GET', '/livez').then(
      () => false,
      () => true,
    );
    expect(refused, 'a new connection while draining').to.equal(true);
    expect(closed).to.equal(false);

    release();
    expect((await inFlight).status).to.equal(200);
    await closing;
    await under.catalog.stop();
  });
});
