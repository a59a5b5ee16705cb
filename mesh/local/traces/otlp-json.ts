import type { AttributeValue, SpanKindName, TraceSpan } from './trace-api.js';

/**
 * Spans of an OTLP/HTTP JSON export request (ExportTraceServiceRequest in the proto3 JSON mapping,
 * as the OpenTelemetry exporters and the Collector send it: ids in hex, times as nanosecond strings,
 * enums as numbers). What is not a span is passed over; a body that is no export request throws.
 */
export function spansOfExport(body: unknown): TraceSpan[] {
  if (!isObject(body) || !Array.isArray(body.resourceSpans)) throw new OtlpJsonError('not an ExportTraceServiceRequest: no resourceSpans');
  const spans: TraceSpan[] = [];
  for (const resourceSpans of body.resourceSpans as unknown[]) {
    if (!isObject(resourceSpans)) continue;
    const resource = isObject(resourceSpans.resource) ? attributesOf(resourceSpans.resource.attributes) : {};
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const scopeSpans of arrayOf(resourceSpans.scopeSpans)) {
      if (!isObject(scopeSpans)) continue;
      for (const span of arrayOf(scopeSpans.spans)) {
        const parsed = isObject(span) ? spanOf(span, service) : undefined;
        if (parsed !== undefined) spans.push(parsed);
      }
    }
  }
  return spans;
}

export class OtlpJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpJsonError';
  }
}

const kinds: readonly SpanKindName[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const hexId = (length: number) => new RegExp(`^[0-9a-f]{${length}}$`);
const traceIdPattern = hexId(32);
const spanIdPattern = hexId(16);

function spanOf(span: Record<string, unknown>, service: string): TraceSpan | undefined {
  const { traceId, spanId, parentSpanId, name } = span;
  if (typeof traceId !== 'string' || !traceIdPattern.test(traceId) || typeof spanId !== 'string' || !spanIdPattern.test(spanId)) return undefined;
  const startNs = nanos(span.startTimeUnixNano);
  const endNs = nanos(span.endTimeUnixNano);
  const status = isObject(span.status) ? span.status : {};
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : undefined;
  return {
    traceId,
    spanId,
    ...(typeof parentSpanId === 'string' && spanIdPattern.test(parentSpanId) ? { parentSpanId } : {}),
    service,
    name: typeof name === 'string' ? name : '',
    kind: kinds[typeof span.kind === 'number' ? span.kind : 0] ?? 'INTERNAL',
    startUnixMs: Number(startNs / 1_000_000n),
    durationMs: Number(endNs > startNs ? endNs - startNs : 0n) / 1e6,
    // OTLP's status codes: 0 unset, 1 ok, 2 error.
    status: status.code === 2 ? 'ERROR' : 'OK',
    ...(message === undefined ? {} : { statusMessage: message }),
    attributes: attributesOf(span.attributes),
    links: arrayOf(span.links).flatMap((link) =>
      isObject(link) && typeof link.traceId === 'string' && typeof link.spanId === 'string' ? [{ traceId: link.traceId, spanId: link.spanId }] : [],
    ),
  };
}

function attributesOf(list: unknown): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const entry of arrayOf(list)) {
    if (isObject(entry) && typeof entry.key === 'string') attributes[entry.key] = valueOf(entry.value);
  }
  return attributes;
}

/** An OTLP AnyValue: one of stringValue, boolValue, intValue (a string in JSON), doubleValue, arrayValue, … */
function valueOf(value: unknown): AttributeValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (isObject(value.arrayValue)) return arrayOf(value.arrayValue.values).map(valueOf);
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  return null;
}

function nanos(value: unknown): bigint {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return 0n;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
