import { SpanKind, type Attributes, type Context } from '@opentelemetry/api';
import { contextFromHeaders, traceHeaders } from './propagation.js';
import { inSpan } from './spans.js';

/**
 * A trace context kept beside a row, so work done later for that row continues the trace it began
 * in: an outbox row's publish, a payment the settler charges after Pay could not.
 */

/** The active trace context in the form kept in a row: its W3C headers as JSON, or null when there is none. */
export function storedTrace(): string | null {
  const headers = traceHeaders();
  return Object.keys(headers).length === 0 ? null : JSON.stringify(headers);
}

/** The context `storedTrace` kept; the root context for null (a row written before, or without a trace). */
export function contextOfStored(stored: string | null): Context {
  const headers = stored === null ? {} : (JSON.parse(stored) as Record<string, string>);
  return contextFromHeaders((name) => headers[name]);
}

/** Runs `work` in a new internal span continuing the trace kept in `stored`. */
export function inStoredTrace<T>(name: string, stored: string | null, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return inSpan(name, { kind: SpanKind.INTERNAL, attributes }, work, contextOfStored(stored));
}
