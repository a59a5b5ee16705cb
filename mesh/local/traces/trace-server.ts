import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { listen } from '#kit/process/ports.js';
import { OtlpJsonError, spansOfExport } from './otlp-json.js';
import type { TracesAnswer } from './trace-api.js';
import { TraceStore } from './trace-store.js';

export interface RunningTraceServer {
  /** http://127.0.0.1:<port>: OTEL_EXPORTER_OTLP_ENDPOINT for the mesh's processes, and the API's base. */
  readonly url: string;
  close(): Promise<void>;
}

/** An export larger than this is refused (the SDK's batches are far smaller). */
const maxBodyBytes = 32 * 1024 * 1024;

/**
 * The local trace store: an OTLP/HTTP receiver (`POST /v1/traces`, JSON) keeping spans in SQLite at
 * `file`, and `GET /api/traces?orderId=<id>` (trace-api.ts). Listens on 127.0.0.1 only.
 */
export async function startTraceServer(file: string, port: number): Promise<RunningTraceServer> {
  const store = new TraceStore(file);
  const server = createServer((request, response) => {
    answer(store, request, response).catch((error: unknown) => {
      const badRequest = error instanceof OtlpJsonError || error instanceof SyntaxError;
      reply(response, badRequest ? 400 : 500, { code: badRequest ? 3 : 13, message: error instanceof Error ? error.message : String(error) });
    });
  });
  await listen(server, port, '127.0.0.1');
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeAllConnections();
      store.close();
    },
  };
}

async function answer(store: TraceStore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'POST' && url.pathname === '/v1/traces') {
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      reply(response, 415, { code: 3, message: 'this receiver takes OTLP/HTTP as JSON (content-type application/json)' });
      return;
    }
    store.add(spansOfExport(JSON.parse((await body(request)).toString('utf8'))));
    // An ExportTraceServiceResponse: everything was accepted.
    reply(response, 200, {});
    return;
  }
  if (request.method === 'GET' && url.pathname === '/api/traces') {
    const orderId = url.searchParams.get('orderId') ?? '';
    if (!/^\d+$/.test(orderId)) {
      reply(response, 400, { message: 'orderId must be an order id, e.g. /api/traces?orderId=1' });
      return;
    }
    const traces: TracesAnswer = { traces: store.tracesOf(orderId) };
    reply(response, 200, traces);
    return;
  }
  reply(response, 404, { message: 'POST /v1/traces (OTLP/HTTP JSON) or GET /api/traces?orderId=<id>' });
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBodyBytes) throw new OtlpJsonError(`the export is larger than ${maxBodyBytes} bytes`);
    chunks.push(bytes);
  }
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

function reply(response: ServerResponse, status: number, json: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}
