import { context, SpanStatusCode, trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api';
import { tracer } from './tracing.js';

/** The attribute that finds an order's trace: on the spans of calls and events about that order. */
export const orderIdAttribute = 'bookstore.order_id';

/**
 * Runs `work` in a new span, a child of `parent` (the active context by default) and active for
 * everything `work` does; the span ends when `work` settles, marked ERROR when it throws.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>, parent: Context = context.active()): Promise<T> {
  const span = tracer().startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks `span` as failed by `error`. */
export function failed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Marks the active span as being about order `orderId`. Correlation ids are order ids where there
 * is an order; those of other stories carry a prefix (`book-3`, `coupon-7`), so only a plain number
 * is taken as an order.
 */
export function markOrder(correlationId: string): void {
  if (/^[1-9]\d*$/.test(correlationId)) trace.getActiveSpan()?.setAttribute(orderIdAttribute, correlationId);
}
