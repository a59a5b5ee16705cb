import { status, type Metadata } from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { ATTR_RPC_METHOD, ATTR_RPC_STATUS_CODE, ATTR_RPC_SYSTEM_NAME, RPC_SYSTEM_NAME_VALUE_GRPC } from '@opentelemetry/semantic-conventions/incubating';
import { contextFromMetadata, injectIntoMetadata } from './propagation.js';
import { tracer } from './tracing.js';

/** One RPC's span: what runs inside it, and its end with the call's code. */
export interface RpcSpan {
  /** The context with this span active. */
  context: Context;
  end(code: status, message?: string): void;
}

/** Codes that are the server's fault (OpenTelemetry's RPC conventions); the others are the caller's business. */
const serverErrors = new Set<status>([status.UNKNOWN, status.DEADLINE_EXCEEDED, status.UNIMPLEMENTED, status.INTERNAL, status.UNAVAILABLE, status.DATA_LOSS]);

/** The server span of an incoming call of `method` (bookstore.catalog.v1.CatalogService/GetBook), a child of the caller's span. */
export function startServerSpan(method: string, metadata: Metadata): RpcSpan {
  const parent = contextFromMetadata(metadata);
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: rpcAttributes(method) }, parent);
  return { context: trace.setSpan(parent, span), end: (code, message) => { endRpc(span, code, message, serverErrors.has(code)); } };
}

/**
 * The client span of one attempt at calling `path` (/bookstore.catalog.v1.CatalogService/GetBook)
 * from the active context, and a copy of `metadata` that carries it to the callee.
 */
export function startClientSpan(path: string, metadata: Metadata): RpcSpan & { metadata: Metadata } {
  const parent = context.active();
  const method = path.replace(/^\//, '');
  const span = tracer().startSpan(method, { kind: SpanKind.CLIENT, attributes: rpcAttributes(method) }, parent);
  const active = trace.setSpan(parent, span);
  return { context: active, metadata: injectIntoMetadata(metadata.clone(), active), end: (code, message) => { endRpc(span, code, message, code !== status.OK); } };
}

function rpcAttributes(method: string): Record<string, string> {
  return { [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC, [ATTR_RPC_METHOD]: method };
}

function endRpc(span: Span, code: status, message: string | undefined, isError: boolean): void {
  span.setAttribute(ATTR_RPC_STATUS_CODE, status[code]);
  if (isError) span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}
