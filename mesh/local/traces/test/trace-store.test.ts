import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { expect } from 'chai';
import { freePort } from '#kit/process/ports.js';
import type { TracesAnswer, TraceSpan } from '../trace-api.js';
import { startTraceServer, type RunningTraceServer } from '../trace-server.js';
import { traceTrees } from '../trace-tree.js';

/** The provider a service of that name would have, exporting at once to `url` with the SDK's own OTLP/HTTP exporter. */
function serviceExporting(service: string, url: string): TracerProvider {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
  return new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
}

describe('the local trace store', () => {
  let dataDir: string;
  let server: RunningTraceServer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bookstore-traces-'));
    server = await startTraceServer(join(dataDir, 'traces.sqlite'), await freePort());
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const tracesOf = async (orderId: string): Promise<TracesAnswer> => (await (await fetch(`${server.url}/api/traces?orderId=${orderId}`)).json()) as TracesAnswer;

  it('takes what the OpenTelemetry exporter sends and finds an order\'s traces whole, spans sorted by start', async () => {
    const at = (ms: number): Date => new Date(Date.UTC(2026, 0, 1) + ms);
    const edge = serviceExporting('edge', server.url);
    const order = serviceExporting('order', server.url);
    const request = edge.getTracer('test').startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: at(0) });
    const placed = order.getTracer('test').startSpan(
      'bookstore.order.v1.OrderService/PlaceOrder',
      { kind: SpanKind.SERVER, startTime: at(2), attributes: { 'bookstore.order_id': '7', 'rpc.system.name': 'grpc', attempt: 1 } },
      trace.setSpan(ROOT_CONTEXT, request),
    );
    placed.setStatus({ code: SpanStatusCode.ERROR, message: 'payment unreachable' });
    placed.end(at(30));
    request.end(at(40));
    // Another order's trace, which the query must leave out.
    order.getTracer('test').startSpan('bookstore.order.v1.OrderService/GetOrder', { attributes: { 'bookstore.order_id': '8' } }).end();
    await Promise.all([edge.forceFlush(), order.forceFlush()]);

    const { traces } = await tracesOf('7');
    expect(traces).to.have.length(1);
    const [only] = traces;
    expect(only?.traceId).to.equal(request.spanContext().traceId);
    expect(only?.spans.map((span) => [span.service, span.name])).to.deep.equal([
      ['edge', 'POST /orders'],
      ['order', 'bookstore.order.v1.OrderService/PlaceOrder'],
    ]);
    const [root, child] = only?.spans ?? [];
    expect(root).to.not.have.property('parentSpanId');
    expect(root).to.deep.include({ kind: 'SERVER', status: 'OK', startUnixMs: at(0).getTime(), durationMs: 40, links: [] });
    expect(child).to.deep.include({
      parentSpanId: request.spanContext().spanId,
      status: 'ERROR',
      statusMessage: 'payment unreachable',
      durationMs: 28,
      attributes: { 'bookstore.order_id': '7', 'rpc.system.name': 'grpc', attempt: 1 },
    });
    expect((await tracesOf('9')).traces).to.deep.equal([]);
  });

  it('refuses what it cannot read', async () => {
    const protobuf = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([1]) });
    expect(protobuf.status).to.equal(415);
    const notAnExport = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"spans":[]}' });
    expect(notAnExport.status).to.equal(400);
    expect((await fetch(`${server.url}/api/traces?orderId=seven`)).status).to.equal(400);
  });
});

describe('make trace\'s tree', () => {
  const span = (spanId: string, parentSpanId: string | undefined, service: string, name: string, startUnixMs: number, durationMs: number, more: Partial<TraceSpan> = {}): TraceSpan => ({
    traceId: 'a'.repeat(32),
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    service,
    name,
    kind: 'SERVER',
    startUnixMs,
    durationMs,
    status: 'OK',
    attributes: {},
    links: [],
    ...more,
  });

  it('prints each span under its parent with service, operation, duration and status', () => {
    const text = traceTrees('7', [
      {
        traceId: 'a'.repeat(32),
        spans: [
          span('0000000000000001', undefined, 'edge', 'POST /orders', 0, 48.25),
          span('0000000000000002', '0000000000000001', 'edge', 'bookstore.order.v1.OrderService/PlaceOrder', 1, 46, { kind: 'CLIENT', attributes: { 'rpc.method': 'bookstore.order.v1.OrderService/PlaceOrder' } }),
          span('0000000000000003', '0000000000000002', 'order', 'bookstore.order.v1.OrderService/PlaceOrder', 2, 44),
          span('0000000000000004', '0000000000000003', 'order', 'publish bookstore.order.OrderPlaced', 40, 3, { kind: 'PRODUCER' }),
          span('0000000000000005', '0000000000000004', 'catalog', 'process bookstore.order.OrderPlaced', 45, 5, { kind: 'CONSUMER', status: 'ERROR', statusMessage: 'store down' }),
          span('0000000000000006', '00000000000000ff', 'mypage', 'process bookstore.order.OrderPlaced', 60, 1, { kind: 'CONSUMER' }),
        ],
      },
    ]);
    expect(text.split('\n')).to.deep.equal([
      'order 7: 1 trace, 6 spans',
      '',
      `trace ${'a'.repeat(32)}  (6 spans, 61.0 ms end to end)`,
      '  edge     POST /orders                                                       48.3 ms  OK',
      '  edge       bookstore.order.v1.OrderService/PlaceOrder [client]              46.0 ms  OK',
      '  order        bookstore.order.v1.OrderService/PlaceOrder                     44.0 ms  OK',
      '  order          publish bookstore.order.OrderPlaced                           3.0 ms  OK',
      '  catalog          process bookstore.order.OrderPlaced                         5.0 ms  ERROR store down',
      '  mypage   process bookstore.order.OrderPlaced (parent not in this trace)      1.0 ms  OK',
    ]);
  });

  it('says so when an order has no trace', () => {
    expect(traceTrees('9', [])).to.equal('no trace of order 9');
  });
});
