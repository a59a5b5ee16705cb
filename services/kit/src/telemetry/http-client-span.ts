import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import { ATTR_URL_TEMPLATE } from '@opentelemetry/semantic-conventions/incubating';
import { traceHeaders } from './propagation.js';
import { inSpan } from './spans.js';

/**
 * Runs one outgoing HTTP call (`send`, given the headers that carry the trace on) in a client span
 * named `POST /v1/charges` after its method and path template, as OpenTelemetry's HTTP conventions
 * name them; a 5xx answer or a failure marks it an error.
 */
export function inHttpClientSpan<T extends { status: number }>(method: string, template: string, send: (trace: Record<string, string>) => Promise<T>): Promise<T> {
  return inSpan(`${method} ${template}`, { kind: SpanKind.CLIENT, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_TEMPLATE]: template } }, async (span) => {
    const answer = await send(traceHeaders());
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, answer.status);
    if (answer.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `answered ${answer.status}` });
    return answer;
  });
}
