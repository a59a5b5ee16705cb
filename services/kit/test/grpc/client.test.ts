import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import type { CallPolicy } from '../../../../mesh/policy/resilience.js';
import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { createGrpcClient, type GrpcClient } from '#kit/grpc/client.js';
import { withCallContext } from '#kit/context/call-context.js';
import { inSpan } from '#kit/telemetry/spans.js';
import { recordSpans } from '#kit-testing/recorded-spans.js';
import { freePort, waitFor } from '#kit/process/ports.js';
import { memoryLog } from './support/memory-log.js';
import { callError } from '#kit-testing/grpc-probes.js';
import { circuitState } from '#kit/resilience/circuit-watch.js';
import { processSamples, sampleSum } from '#kit-testing/metrics.js';
import { answerWith, book, gate, startTestCatalog, type TestCatalog } from './support/test-catalog.js';

type CatalogClient = GrpcClient<typeof CatalogServiceClient.service>;

/** Short enough for a test to wait out; the shape of mesh/policy/resilience.ts. */
const policy = (overrides: { deadlineMs?: number; retries?: Partial<CallPolicy['retries']>; circuitBreaker?: Partial<CallPolicy['circuitBreaker']> } = {}): CallPolicy => ({
  deadlineMs: overrides.deadlineMs ?? 2_000,
  retries: { attempts: 2, perTryTimeoutMs: 1_000, retryOn: ['unavailable'], ...overrides.retries },
  circuitBreaker: { consecutiveFailures: 100, intervalMs: 5_000, baseEjectionMs: 10_000, maxEjectionPercent: 100, ...overrides.circuitBreaker },
  connectionPool: { maxRequests: 100, maxPendingRequests: 100 },
});

describe('kit gRPC client', () => {
  let catalog: TestCatalog;
  let memory: ReturnType<typeof memoryLog>;
  let clients: CatalogClient[];
  const release = gate();

  const client = (options: { address?: string; inProcessResilience?: boolean; policy?: CallPolicy } = {}): CatalogClient => {
    const created = createGrpcClient(CatalogServiceClient, {
      caller: 'edge',
      callee: 'catalog',
      address: options.address ?? catalog.address,
      inProcessResilience: options.inProcessResilience ?? true,
      log: memory.log,
      policy: options.policy ?? policy(),
    });
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    memory = memoryLog();
    clients = [];
    catalog = await startTestCatalog(memory.log);
  });
  afterEach(async () => {
    for (const created of clients) created.close();
    await catalog.server.shutdown(0);
  });
  after(() => { release.open(); });

  it('answers with the typed response', async () => {
    const response = await client().call('getBook', { id: 5 });
    expect(response.bookName).to.equal('Book 5');
  });

  it('takes its deadline from mesh/policy/resilience.ts when no policy is given', async () => {
    const fromMesh = createGrpcClient(CatalogServiceClient, { caller: 'edge', callee: 'catalog', address: catalog.address, inProcessResilience: false, log: memory.log });
    try {
      expect((await fromMesh.call('getBook', { id: 1 })).id).to.equal(1);
      expect(() => createGrpcClient(CatalogServiceClient, { caller: 'nobody', callee: 'catalog', address: catalog.address, inProcessResilience: false, log: memory.log }))
        .to.throw('no call policy for nobody -> catalog');
    } finally {
      fromMesh.close();
    }
  });

  it('carries the correlation id and the trace to the callee\'s log context', async () => {
    const recorded = recordSpans();
    try {
      const traceId = await withCallContext({ correlationId: 'order-42' }, () =>
        inSpan('the caller', {}, async (span) => {
          await client().call('getBook', { id: 1 });
          return span.spanContext().traceId;
        }),
      );
      expect(catalog.contexts[0]).to.include({ correlationId: 'order-42' });
      const serverLine = memory.lines.find((line) => line.msg === 'grpc call');
      expect(serverLine).to.include({ correlationId: 'order-42', traceId });
    } finally {
      recorded.stop();
    }
  });

  describe('deadlines', () => {
    beforeEach(() => {
      catalog.getBook = async ({ id }) => {
        await release.opened;
        return book(id);
      };
    });

    it('gives DEADLINE_EXCEEDED naming the callee when it never answers', async () => {
      const failure = await callError(client({ inProcessResilience: false, policy: policy({ deadlineMs: 300 }) }).call('getBook', { id: 1 }));
      expect(failure.code).to.equal(status.DEADLINE_EXCEEDED);
      expect(failure.message).to.equal('catalog did not answer within 300 ms');
    });

    it('bounds each try by the per-try timeout when resilience is in process', async () => {
      const failure = await callError(client({ policy: policy({ deadlineMs: 5_000, retries: { perTryTimeoutMs: 200 } }) }).call('getBook', { id: 1 }));
      expect(failure.code).to.equal(status.DEADLINE_EXCEEDED);
      expect(failure.message).to.equal('catalog did not answer within 200 ms');
      expect(catalog.calls).to.equal(1);
    });
  });

  it('gives UNAVAILABLE naming the callee when nothing listens, without waiting for the deadline', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const failure = await callError(client({ address, policy: policy({ deadlineMs: 20_000, retries: { perTryTimeoutMs: 20_000 } }) }).call('getBook', { id: 1 }));
    expect(failure.code).to.equal(status.UNAVAILABLE);
    expect(failure.message).to.equal('catalog is unavailable');
  });

  it('reaches a callee again soon after it restarts', async () => {
    const catalogClient = client({ inProcessResilience: false });
    expect((await catalogClient.call('getBook', { id: 1 })).id).to.equal(1);
    await catalog.server.shutdown(0);
    for (let call = 0; call < 3; call += 1) expect((await callError(catalogClient.call('getBook', { id: 1 }))).code).to.equal(status.UNAVAILABLE);

    catalog = await startTestCatalog(memory.log, undefined, Number(catalog.address.split(':')[1]));
    await waitFor(async () => (await catalogClient.call('getBook', { id: 2 })).id === 2, 'the restarted callee to answer', 5_000);
  });

  describe('retries', () => {
    const attemptsFor = async (code: status, retryOn: CallPolicy['retries']['retryOn'], inProcessResilience = true): Promise<number> => {
      catalog.getBook = answerWith(code);
      catalog.calls = 0;
      const failure = await callError(client({ inProcessResilience, policy: policy({ retries: { attempts: 2, retryOn } }) }).call('getBook', { id: 1 }));
      expect(failure.code).to.equal(code);
      return catalog.calls;
    };

    it('retries only on the configured codes', async () => {
      expect(await attemptsFor(status.UNAVAILABLE, ['unavailable'])).to.equal(3);
      expect(await attemptsFor(status.RESOURCE_EXHAUSTED, ['unavailable'])).to.equal(1);
      expect(await attemptsFor(status.INTERNAL, ['unavailable'])).to.equal(1);
      expect(await attemptsFor(status.NOT_FOUND, ['unavailable'])).to.equal(1);
      expect(await attemptsFor(status.RESOURCE_EXHAUSTED, ['resource-exhausted'])).to.equal(3);
    });

    it('leaves retrying to the mesh when resilience is not in process', async () => {
      expect(await attemptsFor(status.UNAVAILABLE, ['unavailable'], false)).to.equal(1);
    });

    it('succeeds when a retry does', async () => {
      catalog.getBook = ({ id }) => (catalog.calls < 2 ? answerWith(status.UNAVAILABLE)({ id }) : Promise.resolve(book(id)));
      expect((await client().call('getBook', { id: 4 })).id).to.equal(4);
      expect(catalog.calls).to.equal(2);
    });
  });

  describe('metrics', () => {
    const getBook = { grpc_type: 'unary', grpc_service: 'bookstore.catalog.v1.CatalogService', grpc_method: 'GetBook' };
    /** What /metrics counts of GetBook now, client and server side, by code. */
    const counts = async (): Promise<(side: 'client' | 'server', code?: string) => { started: number; handled: number; timed: number }> => {
      const samples = await processSamples();
      return (side, code) => ({
        started: sampleSum(samples, `grpc_${side}_started_total`, getBook),
        handled: sampleSum(samples, `grpc_${side}_handled_total`, code === undefined ? getBook : { ...getBook, grpc_code: code }),
        timed: sampleSum(samples, `grpc_${side}_handling_seconds_count`, code === undefined ? getBook : { ...getBook, grpc_code: code }),
      });
    };
    const added = async (before: Awaited<ReturnType<typeof counts>>, side: 'client' | 'server', code?: string): Promise<{ started: number; handled: number; timed: number }> => {
      const then = before(side, code);
      const now = (await counts())(side, code);
      return { started: now.started - then.started, handled: now.handled - then.handled, timed: now.timed - then.timed };
    };

    it('counts a call on both sides with the callee\'s service and method and the status code', async () => {
      const before = await counts();
      await client().call('getBook', { id: 1 });
      catalog.getBook = answerWith(status.NOT_FOUND, 'book 2 not found');
      await callError(client().call('getBook', { id: 2 }));
      for (const side of ['client', 'server'] as const) {
        expect(await added(before, side, 'OK')).to.deep.include({ handled: 1, timed: 1 });
        expect(await added(before, side, 'NOT_FOUND')).to.deep.include({ handled: 1, timed: 1 });
        expect((await added(before, side)).started).to.equal(2);
      }
    });

    it('counts each attempt of a retried call with the code it ended with', async () => {
      catalog.getBook = answerWith(status.UNAVAILABLE);
      const before = await counts();
      await callError(client({ policy: policy({ retries: { attempts: 2, retryOn: ['unavailable'] } }) }).call('getBook', { id: 1 }));
      expect(await added(before, 'client', 'UNAVAILABLE')).to.deep.equal({ started: 3, handled: 3, timed: 3 });
    });

    it('counts an attempt whose deadline passed as DEADLINE_EXCEEDED', async () => {
      catalog.getBook = async ({ id }) => {
        await release.opened;
        return book(id);
      };
      const before = await counts();
      await callError(client({ inProcessResilience: false, policy: policy({ deadlineMs: 200 }) }).call('getBook', { id: 1 }));
      expect(await added(before, 'client', 'DEADLINE_EXCEEDED')).to.deep.equal({ started: 1, handled: 1, timed: 1 });
    });

    it('counts a call an open breaker refused as one attempt answered UNAVAILABLE, with nothing sent', async () => {
      const catalogClient = client({ policy: policy({ retries: { attempts: 0 }, circuitBreaker: { consecutiveFailures: 1, baseEjectionMs: 60_000 } }) });
      catalog.getBook = answerWith(status.INTERNAL);
      await callError(catalogClient.call('getBook', { id: 1 }));
      const before = await counts();
      const refused = await callError(catalogClient.call('getBook', { id: 1 }));
      expect(refused.message).to.contain('circuit open');
      expect(catalog.calls).to.equal(1);
      expect(await added(before, 'client', 'UNAVAILABLE')).to.deep.equal({ started: 1, handled: 1, timed: 1 });
      expect((await added(before, 'server')).started).to.equal(0);
    });
  });

  describe('circuit breaker', () => {
    /** The edge -> catalog breaker's state as /metrics shows it: 0 closed, 1 open, 2 half-open. */
    const breakerState = async (): Promise<number | undefined> =>
      (await circuitState.get()).values.find((value) => value.labels.caller === 'edge' && value.labels.callee === 'catalog')?.value;

    const breaking = policy({ retries: { attempts: 0 }, circuitBreaker: { consecutiveFailures: 3, baseEjectionMs: 300 } });

    it('opens after N consecutive failures, fails fast, and closes once the callee recovers, its gauge following open and close', async () => {
      const catalogClient = client({ policy: breaking });
      catalog.getBook = answerWith(status.INTERNAL);
      for (let call = 0; call < 3; call += 1) expect((await callError(catalogClient.call('getBook', { id: 1 }))).code).to.equal(status.INTERNAL);
      expect(catalog.calls).to.equal(3);

      const rejected = await callError(catalogClient.call('getBook', { id: 1 }));
      expect(rejected.code).to.equal(status.UNAVAILABLE);
      expect(rejected.message).to.equal('catalog is unavailable: circuit open after 3 consecutive failures');
      await callError(catalogClient.call('getBook', { id: 1 }));
      expect(catalog.calls).to.equal(3);
      expect(memory.lines.some((line) => line.msg === 'circuit to catalog opened')).to.be.true;
      expect(await breakerState()).to.equal(1);

      catalog.getBook = ({ id }) => Promise.resolve(book(id));
      await waitFor(async () => (await catalogClient.call('getBook', { id: 2 })).id === 2, 'the circuit to close');
      expect(await breakerState()).to.equal(0);
      for (let call = 0; call < 5; call += 1) expect((await catalogClient.call('getBook', { id: 3 })).id).to.equal(3);
      expect(catalog.calls).to.equal(9);
    });

    it('half-opens as soon as the callee is ready again: the first call after its return is accepted', async () => {
      // Ten minutes of ejection: only the callee's readiness can close this circuit within the test.
      const catalogClient = client({ policy: policy({ retries: { attempts: 0 }, circuitBreaker: { consecutiveFailures: 3, baseEjectionMs: 600_000 } }) });
      expect((await catalogClient.call('getBook', { id: 1 })).id).to.equal(1);
      await catalog.server.shutdown(0);
      for (let call = 0; call < 3; call += 1) expect((await callError(catalogClient.call('getBook', { id: 1 }))).message).to.equal('catalog is unavailable');
      expect((await callError(catalogClient.call('getBook', { id: 1 }))).message).to.include('circuit open');
      expect(await breakerState()).to.equal(1);

      catalog = await startTestCatalog(memory.log, undefined, Number(catalog.address.split(':')[1]));
      await waitFor(() => Promise.resolve(memory.lines.some((line) => line.msg === 'catalog is ready again; the next call tries it')), 'the client to see catalog ready again', 30_000);
      expect((await catalogClient.call('getBook', { id: 2 })).id).to.equal(2);
      expect(await breakerState()).to.equal(0);
      expect(memory.lines.some((line) => line.msg === 'circuit to catalog closed')).to.be.true;
    });

    it('counts answers such as NOT_FOUND as a healthy callee', async () => {
      const catalogClient = client({ policy: breaking });
      catalog.getBook = answerWith(status.NOT_FOUND, 'book 1 not found');
      for (let call = 0; call < 6; call += 1) {
        const failure = await callError(catalogClient.call('getBook', { id: 1 }));
        expect(failure.code).to.equal(status.NOT_FOUND);
        expect(failure.message).to.equal('book 1 not found');
      }
      expect(catalog.calls).to.equal(6);
    });

    it('is not in the way when resilience is not in process', async () => {
      const catalogClient = client({ inProcessResilience: false, policy: breaking });
      catalog.getBook = answerWith(status.UNAVAILABLE);
      for (let call = 0; call < 6; call += 1) await callError(catalogClient.call('getBook', { id: 1 }));
      expect(catalog.calls).to.equal(6);
    });
  });
});
