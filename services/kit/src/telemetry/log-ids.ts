import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The active span's trace and span ids, for a log line; none outside a span. */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
