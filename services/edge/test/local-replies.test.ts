import { expect } from 'chai';
import { freePort } from '#kit/process/ports.js';
import { readEdgeConfig } from '../src/config.js';
import { localReplies } from '../src/local-replies.js';
import { startEdge } from '../src/start-edge.js';
import { startEdgeWithFakeCatalog, type EdgeUnderTest } from './support/edge-with-fake-catalog.js';
import { httpCall, type HttpAnswer } from './support/http-client.js';

/**
 * The answers the local edge gives without a service's response carry the code that
 * services/edge/src/local-replies.ts declares for their HTTP status: the Envoy edge's
 * local_reply_config maps its own answers to the same codes from that declaration.
 */
describe('edge: the answers it gives itself, with the codes Envoy\'s local_reply_config maps', () => {
  let under: EdgeUnderTest;

  before(async () => {
    under = await startEdgeWithFakeCatalog();
  });

  after(async () => {
    await under.stop();
  });

  /** An edge whose catalog address nobody listens on. */
  async function callWithoutCatalog(): Promise<HttpAnswer> {
    const config = readEdgeConfig({ EDGE_HOST: '127.0.0.1', EDGE_PORT: '0', CATALOG_ADDR: `127.0.0.1:${String(await freePort())}`, LOG_LEVEL: 'silent' });
    const edge = await startEdge(config);
    try {
      return await httpCall(edge.url, 'GET', '/books/1');
    } finally {
      await edge.close();
    }
  }

  /** A catalog that holds its answer until the call's deadline (grpc-timeout: 100 ms) has passed. */
  async function callPastDeadline(): Promise<HttpAnswer> {
    let release = (): void => undefined;
    under.catalog.hold = new Promise((resolve) => {
      release = resolve;
    });
    try {
      return await under.call('GET', '/books/1', { headers: { 'grpc-timeout': '100m' } });
    } finally {
      release();
      under.catalog.hold = undefined;
    }
  }

  async function callPastRateLimit(): Promise<HttpAnswer> {
    const limited = await startEdgeWithFakeCatalog({ burst: 1, refillPerSecond: 1 });
    try {
      await limited.call('GET', '/books');
      return await limited.call('GET', '/books');
    } finally {
      await limited.stop();
    }
  }

  const provokers: Readonly<Record<number, () => Promise<HttpAnswer>>> = {
    400: () => under.call('POST', '/books', { body: '{"bookName":' }),
    401: () => under.call('POST', '/books', { headers: { authorization: '' }, body: { bookName: 'x' } }),
    403: () => under.call('POST', '/coupons', { body: { customerId: 1, discount: 100 } }),
    429: callPastRateLimit,
    404: () => under.call('GET', '/films'),
    413: () => under.call('POST', '/books', { body: { bookName: 'x'.repeat(1_100_000) } }),
    503: callWithoutCatalog,
    504: callPastDeadline,
  };

  for (const { httpStatus, code, when } of localReplies) {
    it(`${String(httpStatus)}, code ${String(code)}: ${when}`, async () => {
      const provoke = provokers[httpStatus];
      if (provoke === undefined) throw new Error(`no case here provokes an HTTP ${String(httpStatus)}: add one`);
      const answer = await provoke();
      expect(answer.status).to.equal(httpStatus);
      expect(answer.json).to.include({ code }).and.to.have.keys('code', 'message', 'details');
    });
  }
});
