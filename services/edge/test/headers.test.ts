import { expect } from 'chai';
import { Metadata, status } from '@grpc/grpc-js';
import { callDeadlineMs, parseGrpcTimeout } from '../src/http/grpc-timeout.js';
import { TranscodeError } from '../src/transcode/transcode-error.js';
import { startEdgeWithFakeCatalog, type EdgeUnderTest } from './support/edge-with-fake-catalog.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('edge: headers', () => {
  let under: EdgeUnderTest;

  before(async () => {
    under = await startEdgeWithFakeCatalog();
  });

  after(async () => {
    await under.stop();
  });

  beforeEach(() => {
    under.catalog.failure = undefined;
    under.catalog.responseMetadata = undefined;
  });

  describe('request headers become gRPC metadata', () => {
    it('Authorization, the W3C trace context (continued by the edge\'s own span) and other request headers travel to the service', async () => {
      await under.call('GET', '/books/1', {
        headers: { authorization: 'Bearer t0ken', traceparent, tracestate: 'vendor=opaque', 'x-tenant': 'shop-1' },
      });
      const { metadata } = under.catalog.lastCall();
      expect(metadata.get('authorization')).to.deep.equal(['Bearer t0ken']);
      // The same trace and sampling decision; the parent is now the edge's client span.
      const [forwarded] = metadata.get('traceparent');
      expect(forwarded).to.match(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/).and.not.equal(traceparent);
      expect(metadata.get('tracestate')).to.deep.equal(['vendor=opaque']);
      expect(metadata.get('x-tenant')).to.deep.equal(['shop-1']);
    });

    it('hop-by-hop headers, and those the Connection header names, stay behind', async () => {
      await under.call('GET', '/books/1', {
        headers: { connection: 'keep-alive, x-hop', 'keep-alive': 'timeout=5', 'x-hop': 'one hop only', 'proxy-authorization': 'Basic cHJveHk=', upgrade: 'websocket' },
      });
      const { metadata } = under.catalog.lastCall();
      for (const name of ['connection', 'keep-alive', 'x-hop', 'proxy-authorization', 'upgrade']) expect(metadata.get(name), name).to.be.empty;
    });

    it('a -bin header is base64, as gRPC defines binary metadata', async () => {
      await under.call('GET', '/books/1', { headers: { 'x-trace-bin': Buffer.from([1, 2, 3]).toString('base64') } });
      expect(under.catalog.lastCall().metadata.get('x-trace-bin')).to.deep.equal([Buffer.from([1, 2, 3])]);
    });

    it("Envoy's x-envoy-original-path and -method tell the service what the client called", async () => {
      await under.call('GET', '/books/1');
      const { metadata } = under.catalog.lastCall();
      expect(metadata.get('x-envoy-original-path')).to.deep.equal(['/books/1']);
      expect(metadata.get('x-envoy-original-method')).to.deep.equal(['GET']);
    });
  });

  describe('x-request-id', () => {
    it('is made up when the client sends none, returned, and forwarded', async () => {
      const answer = await under.call('GET', '/books/1');
      const requestId = answer.headers['x-request-id'];
      expect(requestId).to.match(uuid);
      expect(under.catalog.lastCall().metadata.get('x-request-id')).to.deep.equal([requestId]);
    });

    it("is the client's own when it sends one", async () => {
      const answer = await under.call('GET', '/books/1', { headers: { 'x-request-id': 'req-123' } });
      expect(answer.headers['x-request-id']).to.equal('req-123');
      expect(under.catalog.lastCall().metadata.get('x-request-id')).to.deep.equal(['req-123']);
    });

    it('is returned on answers the edge gives itself', async () => {
      const answer = await under.call('GET', '/films', { headers: { 'x-request-id': 'req-404' } });
      expect(answer.status).to.equal(404);
      expect(answer.headers['x-request-id']).to.equal('req-404');
    });
  });

  it("the service's response metadata comes back as response headers", async () => {
    const metadata = new Metadata();
    metadata.set('x-catalog-version', '7');
    under.catalog.responseMetadata = metadata;
    const answer = await under.call('GET', '/books/1');
    expect(answer.headers['x-catalog-version']).to.equal('7');
  });

  describe('grpc-timeout is the deadline of the call', () => {
    it('a deadline that has passed when the call starts is a 504 DEADLINE_EXCEEDED', async () => {
      const answer = await under.call('GET', '/books/1', { headers: { 'grpc-timeout': '1n' } });
      expect(answer.status).to.equal(504);
      expect(answer.json).to.include({ code: status.DEADLINE_EXCEEDED });
    });

    it('a malformed value is ignored and the call keeps its default deadline, as in Envoy', async () => {
      expect((await under.call('GET', '/books/1', { headers: { 'grpc-timeout': 'soon' } })).status).to.equal(200);
    });

    it('reads the gRPC wire format: up to 8 digits and a unit', () => {
      expect(parseGrpcTimeout('2S')).to.equal(2_000);
      expect(parseGrpcTimeout('1M')).to.equal(60_000);
      expect(parseGrpcTimeout('1H')).to.equal(3_600_000);
      expect(parseGrpcTimeout('500m')).to.equal(500);
      expect(parseGrpcTimeout('2000u')).to.equal(2);
      for (const malformed of ['', '2', 'S', '2s', '123456789S', '-1S', '1.5S']) expect(parseGrpcTimeout(malformed), malformed).to.equal(undefined);
    });

    it('defaults to the policy deadline and is capped at the ceiling', () => {
      expect(callDeadlineMs(undefined, 5_000, 30_000)).to.equal(5_000);
      expect(callDeadlineMs('2S', 5_000, 30_000)).to.equal(2_000);
      expect(callDeadlineMs('20S', 5_000, 30_000)).to.equal(20_000);
      expect(callDeadlineMs('1H', 5_000, 30_000)).to.equal(30_000);
      expect(callDeadlineMs('soon', 5_000, 30_000)).to.equal(5_000);
    });

    it('refuses a zero deadline at once, without calling the service', () => {
      for (const passed of ['0S', '0m', '999u']) {
        expect(() => callDeadlineMs(passed, 5_000, 30_000), passed).to.throw(TranscodeError).with.property('code', status.DEADLINE_EXCEEDED);
      }
    });
  });
});
