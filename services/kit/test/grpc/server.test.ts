import { Metadata, status } from '@grpc/grpc-js';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { expect } from 'chai';
import knex from 'knex';
import { CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import { DomainError, invalid, notFound, precondition } from '#kit/domain/errors.js';
import { startGrpcServer } from '#kit/grpc/server.js';
import { freePort, waitFor } from '#kit/process/ports.js';
import { memoryLog } from './support/memory-log.js';
import { callError, rawCatalog as openRawCatalog, rawGetBook, rawGetBookBytes, reflect, watchHealth } from '#kit-testing/grpc-probes.js';
import { errorDetailsOf, type ReadErrorDetails } from '#kit-testing/error-details.js';
import { recordSpans, type RecordedSpans } from '#kit-testing/recorded-spans.js';
import { book, gate, startTestCatalog, type TestCatalog } from './support/test-catalog.js';

describe('kit gRPC server', () => {
  let catalog: TestCatalog;
  let memory: ReturnType<typeof memoryLog>;
  let clients: ReturnType<typeof openRawCatalog>[];
  const rawCatalog = (address: string): ReturnType<typeof openRawCatalog> => {
    const client = openRawCatalog(address);
    clients.push(client);
    return client;
  };

  let recorded: RecordedSpans;
  before(() => {
    recorded = recordSpans();
  });
  after(() => {
    recorded.stop();
  });

  beforeEach(async () => {
    memory = memoryLog();
    clients = [];
    catalog = await startTestCatalog(memory.log);
  });
  afterEach(async () => {
    for (const client of clients) client.close();
    await catalog.server.shutdown(0);
  });

  describe('maps what a handler throws to a status', () => {
    const cases: [string, Error, status, string, ReadErrorDetails][] = [
      [
        'invalid',
        invalid('bookName', 'must be 1..200 characters'),
        status.INVALID_ARGUMENT,
        'bookName: must be 1..200 characters',
        { reason: 'INVALID_FIELD', domain: 'bookstore', facts: {}, violations: ['bookName: must be 1..200 characters'] },
      ],
      [
        'invalid without the field in its words',
        new DomainError('invalid', 'too long', { reason: 'INVALID_FIELD' }, 'bookName'),
        status.INVALID_ARGUMENT,
        'bookName: too long',
        { reason: 'INVALID_FIELD', domain: 'bookstore', facts: {}, violations: ['bookName: too long'] },
      ],
      ['not_found', notFound('book', 7), status.NOT_FOUND, 'book 7 not found', { reason: 'BOOK_NOT_FOUND', domain: 'bookstore', facts: { bookId: '7' }, violations: [] }],
      [
        'precondition',
        precondition({ reason: 'ORDER_NOT_CANCELLABLE', facts: { orderId: '3', state: 'DELIVERED' } }, 'order 3 is already DELIVERED'),
        status.FAILED_PRECONDITION,
        'order 3 is already DELIVERED',
        { reason: 'ORDER_NOT_CANCELLABLE', domain: 'bookstore', facts: { orderId: '3', state: 'DELIVERED' }, violations: [] },
      ],
      ['a downstream status', Object.assign(new Error('7 PERMISSION_DENIED: not yours'), { code: status.PERMISSION_DENIED, details: 'not yours' }), status.PERMISSION_DENIED, 'not yours', { violations: [] }],
    ];
    for (const [kind, error, code, details, errorDetails] of cases) {
      it(`${kind} -> ${status[code]} with its error details`, async () => {
        catalog.getBook = () => Promise.reject(error);
        const failure = await callError(rawGetBook(rawCatalog(catalog.address), { id: 7 }));
        expect(failure.code).to.equal(code);
        expect(failure.details).to.equal(details);
        expect(errorDetailsOf(failure)).to.deep.equal(errorDetails);
      });
    }

    it('answers an int64 past 2^53 - 1 with INVALID_ARGUMENT naming the field, not INTERNAL', async () => {
      const client = rawCatalog(catalog.address);
      for (const id of [2n ** 53n, 2n ** 63n - 1n, -(2n ** 53n)]) {
        const failure = await callError(rawGetBookBytes(client, new BinaryWriter().tag(1, WireType.Varint).int64(id).finish()));
        expect(failure.code).to.equal(status.INVALID_ARGUMENT);
        expect(failure.details).to.match(/^id: must be at (most|least) -?9007199254740991$/);
        expect(errorDetailsOf(failure)).to.deep.include({ reason: 'INVALID_FIELD', violations: [failure.details] });
      }
      expect(catalog.calls).to.equal(0);
      expect((await rawGetBook(client, { id: Number.MAX_SAFE_INTEGER })).id).to.equal(Number.MAX_SAFE_INTEGER);
    });

    it('answers bytes that are no request with INVALID_ARGUMENT', async () => {
      const failure = await callError(rawGetBookBytes(rawCatalog(catalog.address), Uint8Array.from([0x0a, 0xff])));
      expect(failure.code).to.equal(status.INVALID_ARGUMENT);
      expect(failure.details).to.equal('the request does not decode as bookstore.catalog.v1.GetBookRequest');
    });

    it('answers INTERNAL without the message, logs the stack, and keeps serving', async () => {
      catalog.getBook = () => Promise.reject(new Error('password=hunter2 in a SQL error'));
      const client = rawCatalog(catalog.address);
      const failure = await callError(rawGetBook(client, { id: 7 }));
      expect(failure.code).to.equal(status.INTERNAL);
      expect(failure.details).to.equal('internal error');
      const logged = memory.lines.find((line) => line.code === 'INTERNAL');
      expect(JSON.stringify(logged)).to.contain('hunter2').and.to.contain('stack');

      catalog.getBook = ({ id }) => Promise.resolve(book(id));
      expect((await rawGetBook(client, { id: 8 })).id).to.equal(8);
    });

    it('answers UNAVAILABLE when its store refuses connections: nothing ran, the caller may try again', async () => {
      const store = knex({ client: 'pg', connection: `postgres://postgres@127.0.0.1:${String(await freePort())}/nowhere`, pool: { min: 0, max: 1 } });
      try {
        catalog.getBook = async ({ id }) => {
          await store('books').where({ id }).first();
          return book(id);
        };
        const failure = await callError(rawGetBook(rawCatalog(catalog.address), { id: 7 }));
        expect(failure.code).to.equal(status.UNAVAILABLE);
        expect(failure.details).to.equal('the store is unavailable; nothing was written');
      } finally {
        await store.destroy();
      }
    });

    it('answers INTERNAL for a handler that throws before returning a promise', async () => {
      catalog.getBook = () => { throw new TypeError('cannot read properties of undefined'); };
      const failure = await callError(rawGetBook(rawCatalog(catalog.address), { id: 7 }));
      expect(failure.code).to.equal(status.INTERNAL);
      expect(failure.details).to.equal('internal error');
    });
  });

  it('logs one line per call with method, code and time, in the caller\'s context', async () => {
    const client = rawCatalog(catalog.address);
    const metadata = new Metadata();
    metadata.set('x-correlation-id', 'order-42');
    metadata.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await rawGetBook(client, { id: 1 }, metadata);
    catalog.getBook = () => Promise.reject(notFound('book', 2));
    await callError(rawGetBook(client, { id: 2 }));

    const calls = memory.lines.filter((line) => line.msg === 'grpc call');
    expect(calls).to.have.length(2);
    expect(calls[0]).to.include({ method: 'bookstore.catalog.v1.CatalogService/GetBook', code: 'OK', correlationId: 'order-42', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    // The line is the server span's, a child of the caller's span 00f067aa0ba902b7.
    expect(calls[0]?.spanId).to.match(/^[0-9a-f]{16}$/).and.not.equal('00f067aa0ba902b7');
    expect(calls[0]?.ms).to.be.a('number');
    expect(calls[1]).to.include({ code: 'NOT_FOUND' });
    expect(catalog.contexts[0]).to.include({ correlationId: 'order-42' });
  });

  it('gives a call without ids a correlation and trace id of its own, taking x-request-id when there is one', async () => {
    const client = rawCatalog(catalog.address);
    const metadata = new Metadata();
    metadata.set('x-request-id', 'envoy-req-1');
    await rawGetBook(client, { id: 1 }, metadata);
    await rawGetBook(client, { id: 1 });
    expect(catalog.contexts[0]?.correlationId).to.equal('envoy-req-1');
    expect(catalog.contexts[1]?.correlationId).to.be.a('string').and.not.equal('envoy-req-1');
    const traceIds = memory.lines.filter((line) => line.msg === 'grpc call').map((line) => line.traceId);
    expect(traceIds).to.have.length(2);
    expect(traceIds[1]).to.match(/^[0-9a-f]{32}$/).and.not.equal(traceIds[0]);
  });

  it('lists the contracts and grpc.health.v1 through server reflection', async () => {
    const { services, fileCount } = await reflect(catalog.address, 'bookstore.catalog.v1.CatalogService');
    expect(services).to.include.members(['bookstore.catalog.v1.CatalogService', 'grpc.health.v1.Health']);
    expect(fileCount).to.be.greaterThan(0);
  });

  it('binds a free port when asked for port 0', async () => {
    const server = await startGrpcServer({ service: 'catalog', host: '127.0.0.1', port: 0, services: [{ definition: CatalogServiceService, implementation: {} }], log: memory.log });
    try {
      expect(server.port).to.be.greaterThan(0);
      const failure = await callError(rawGetBook(rawCatalog(`127.0.0.1:${server.port}`), { id: 1 }));
      expect(failure.code).to.equal(status.UNIMPLEMENTED);
    } finally {
      await server.shutdown(0);
    }
  });

  describe('graceful shutdown', () => {
    it('reports SERVING, then NOT_SERVING once shutdown starts', async () => {
      const overall = watchHealth(catalog.address);
      const catalogService = watchHealth(catalog.address, 'bookstore.catalog.v1.CatalogService');
      await waitFor(() => Promise.resolve(overall.statuses.length > 0 && catalogService.statuses.length > 0), 'health updates');
      expect(overall.statuses).to.deep.equal(['SERVING']);
      expect(catalogService.statuses).to.deep.equal(['SERVING']);

      const stopped = catalog.server.shutdown(10_000);
      await waitFor(() => Promise.resolve(overall.statuses.length > 1 && catalogService.statuses.length > 1), 'NOT_SERVING');
      expect(overall.statuses).to.deep.equal(['SERVING', 'NOT_SERVING']);
      expect(catalogService.statuses).to.deep.equal(['SERVING', 'NOT_SERVING']);
      overall.stop();
      catalogService.stop();
      await stopped;
    });

    it('finishes a call in flight and refuses new ones', async () => {
      const release = gate();
      catalog.getBook = async ({ id }) => {
        await release.opened;
        return book(id);
      };
      const client = rawCatalog(catalog.address);
      const inFlight = rawGetBook(client, { id: 1 });
      await waitFor(() => Promise.resolve(catalog.calls === 1), 'the slow call to arrive');

      const stopped = catalog.server.shutdown(10_000);
      const refused = await callError(rawGetBook(client, { id: 2 }));
      const refusedOnNewConnection = await callError(rawGetBook(rawCatalog(catalog.address), { id: 3 }));
      release.open();

      expect((await inFlight).id).to.equal(1);
      await stopped;
      expect(refused.code).to.equal(status.UNAVAILABLE);
      expect(refusedOnNewConnection.code).to.equal(status.UNAVAILABLE);
      expect(catalog.calls).to.equal(1);
    });

    it('cancels what is still running when the grace period ends', async () => {
      const never = gate();
      catalog.getBook = async ({ id }) => {
        await never.opened;
        return book(id);
      };
      const inFlight = callError(rawGetBook(rawCatalog(catalog.address), { id: 1 }));
      await waitFor(() => Promise.resolve(catalog.calls === 1), 'the slow call to arrive');
      await catalog.server.shutdown(100);
      expect((await inFlight).code).to.be.oneOf([status.CANCELLED, status.UNAVAILABLE]);
      never.open();
    });
  });
});
