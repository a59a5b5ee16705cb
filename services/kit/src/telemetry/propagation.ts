import type { Metadata } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter } from '@opentelemetry/api';

/**
 * W3C trace context (traceparent, tracestate) and baggage in and out of the carriers the mesh uses:
 * gRPC metadata, and name -> value headers (NATS message headers, the outbox row, HTTP requests).
 */

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).filter((value): value is string => typeof value === 'string');
    return values.length <= 1 ? values[0] : values;
  },
};

/** The caller's trace context as gRPC metadata carries it; the root context when it carries none. */
export function contextFromMetadata(metadata: Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

/** Puts `ctx`'s trace context and baggage into `metadata`, replacing what it carried. */
export function injectIntoMetadata(metadata: Metadata, ctx: Context = context.active()): Metadata {
  propagation.inject(ctx, metadata, { set: (carrier, key, value) => { carrier.set(key, value); } });
  return metadata;
}

/** `ctx`'s trace context and baggage as headers: traceparent, tracestate and baggage when there are any. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/** A sender's trace context from headers read by name (`header` gives undefined for a missing one). */
export function contextFromHeaders(header: (name: string) => string | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, undefined, { keys: () => [], get: (_carrier, key) => header(key) });
}
