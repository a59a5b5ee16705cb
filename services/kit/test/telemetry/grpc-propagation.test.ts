import { Metadata } from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { expect } from 'chai';
import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { createGrpcClient } from '#kit/grpc/client.js';
import { traceHeaders } from '#kit/telemetry/propagation.js';
import { inSpan } from '#kit/telemetry/spans.js';
import { rawCatalog, rawGetBook } from '#kit-testing/grpc-probes.js';
import { recordSpans, type RecordedSpans } from '#kit-testing/recorded-spans.js';
import { memoryLog } from '../grpc/support/memory-log.js';
import { book, startTestCatalog, type TestCatalog } from '../grpc/support/test-catalog.js';

/** Trace context through gRPC metadata: the kit's client and server spans, and a caller's sampling decision. */
describe('trace context through gRPC metadata', () => {
  let catalog: TestCatalog;
  let recorded: RecordedSpans;
  /** traceHeaders() inside GetBook, one per call. */
  let seen: Record<string, string>[];

  beforeEach(async () => {
    recorded = recordSpans();
    seen = [];
    catalog = await startTestCatalog(memoryLog().log, ({ id }) => {
      seen.push(traceHeaders());
      return Promise.resolve(book(id));
    });
  });
  afterEach(async () => {
    await catalog.server.shutdown(0);
    recorded.stop();
  });

  it('makes the server span a child of the client span, which is a child of the caller\'s span', async () => {
    const client = createGrpcClient(CatalogServiceClient, { caller: 'order', callee: 'catalog', address: catalog.address, inProcessResilience: false, log: memoryLog().log });
    try {
      await inSpan('place an order', {}, () => client.call('getBook', { id: 3 }));
    } finally {
      client.close();
    }
    const caller = recorded.one('place an order');
    const [clientSpan, serverSpan] = [SpanKind.CLIENT, SpanKind.SERVER].map((kind) =>
      recorded.spans.find((span) => span.kind === kind && span.name === 'bookstore.catalog.v1.CatalogService/GetBook'),
    );
    expect(clientSpan?.parentSpanContext?.spanId).to.equal(caller.spanContext().spanId);
    expect(serverSpan?.parentSpanContext?.spanId).to.equal(clientSpan?.spanContext().spanId);
    expect(serverSpan?.parentSpanContext?.isRemote).to.equal(true);
    expect(new Set([caller, clientSpan, serverSpan].map((span) => span?.spanContext().traceId)).size).to.equal(1);
    expect(serverSpan?.attributes).to.include({ 'rpc.system.name': 'grpc', 'rpc.method': 'bookstore.catalog.v1.CatalogService/GetBook', 'rpc.status_code': 'OK' });
    expect(seen[0]?.traceparent).to.equal(`00-${caller.spanContext().traceId}-${serverSpan?.spanContext().spanId ?? ''}-01`);
  });

  it('keeps a caller\'s decision not to sample, and its tracestate and baggage', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-00`);
    metadata.set('tracestate', 'vendor=opaque');
    metadata.set('baggage', 'shop.channel=app');
    const raw = rawCatalog(catalog.address);
    try {
      await rawGetBook(raw, { id: 1 }, metadata);
    } finally {
      raw.close();
    }
    expect(seen[0]?.traceparent).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    expect(seen[0]?.traceparent).to.not.contain('00f067aa0ba902b7');
    expect(seen[0]).to.include({ tracestate: 'vendor=opaque', baggage: 'shop.channel=app' });
    expect(recorded.spans.filter((span) => span.spanContext().traceId === traceId)).to.deep.equal([]);
  });

  it('records a sampled caller\'s call, so the test above can fail', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4737';
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    const raw = rawCatalog(catalog.address);
    try {
      await rawGetBook(raw, { id: 1 }, metadata);
    } finally {
      raw.close();
    }
    const server = recorded.spans.find((span) => span.spanContext().traceId === traceId);
    expect(server?.parentSpanContext?.spanId).to.equal('00f067aa0ba902b7');
    expect(seen[0]?.traceparent).to.match(/-01$/);
  });
});
