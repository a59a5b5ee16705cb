import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { contextFromHeaders } from '#kit/telemetry/propagation.js';
import { tracer } from '#kit/telemetry/tracing.js';

/**
 * Runs one REST request in its server span: the root of the call's trace, or a child of the
 * client's span when it sent a traceparent (its sampling decision kept). The span ends when the
 * response has gone, with its status code; a 5xx marks it failed.
 */
export function inRequestSpan(request: IncomingMessage, response: ServerResponse, work: () => Promise<void>): Promise<void> {
  const parent = contextFromHeaders((name) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  });
  const method = request.method ?? 'GET';
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path } }, parent);
  response.once('close', () => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), work);
}

/** Names the active request span after the route that answered it, `POST /orders/{id}`, as the HTTP conventions say. */
export function nameRequestSpan(method: string | undefined, routeTemplate: string | undefined): void {
  if (routeTemplate === undefined) return;
  const span = trace.getActiveSpan();
  span?.setAttribute(ATTR_HTTP_ROUTE, routeTemplate);
  span?.updateName(`${method ?? 'GET'} ${routeTemplate}`);
}
