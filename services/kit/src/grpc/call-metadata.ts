import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { CallContext } from '../context/call-context.js';

const maxIdLength = 128;

/**
 * The log context of an incoming call. The edge sets x-correlation-id; Envoy sets x-request-id,
 * which stands in for it when a caller sent none. A call without either (grpcurl, a probe) starts its
 * own story, so every log line and every downstream call still carries a correlation id. The trace
 * context travels apart, in the OpenTelemetry propagators' headers (telemetry/rpc-spans.ts).
 */
export function incomingCallContext(metadata: Metadata): CallContext {
  return {
    correlationId: firstString(metadata, 'x-correlation-id') ?? firstString(metadata, 'x-request-id') ?? randomUUID(),
  };
}

/** Metadata that carries the current story's correlation id to a callee. */
export function outgoingMetadata(context: CallContext): Metadata {
  const metadata = new Metadata();
  if (context.correlationId !== undefined) metadata.set('x-correlation-id', context.correlationId);
  return metadata;
}

function firstString(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' && value !== '' && value.length <= maxIdLength ? value : undefined;
}
