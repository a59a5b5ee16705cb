import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { CallContext } from '../context/call-context.js';

const traceparentPattern = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const zeroTraceId = '0'.repeat(32);
const maxIdLength = 128;

/**
 * The log context of an incoming call. The edge sets x-correlation-id; Envoy sets x-request-id,
 * which stands in for it when a caller sent none. A call without either (grpcurl, a probe) starts its
 * own story, so every log line and every downstream call still carries a correlation and trace id.
 */
export function incomingCallContext(metadata: Metadata): CallContext {
  return {
    correlationId: firstString(metadata, 'x-correlation-id') ?? firstString(metadata, 'x-request-id') ?? randomUUID(),
    traceId: traceIdOf(firstString(metadata, 'traceparent')) ?? randomBytes(16).toString('hex'),
  };
}

/**
 * Metadata that carries the current story to a callee. The trace id travels in a W3C traceparent
 * with a fresh parent id, since the kit does not record spans of its own.
 */
export function outgoingMetadata(context: CallContext): Metadata {
  const metadata = new Metadata();
  if (context.correlationId !== undefined) metadata.set('x-correlation-id', context.correlationId);
  if (context.traceId !== undefined) metadata.set('traceparent', `00-${context.traceId}-${randomBytes(8).toString('hex')}-01`);
  return metadata;
}

function firstString(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' && value !== '' && value.length <= maxIdLength ? value : undefined;
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  const traceId = traceparent === undefined ? undefined : traceparentPattern.exec(traceparent)?.[1];
  return traceId === zeroTraceId ? undefined : traceId;
}
