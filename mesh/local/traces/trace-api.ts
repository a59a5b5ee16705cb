/** The OTLP/HTTP port, which make dev's trace store takes (MESH_TRACES_PORT overrides). */
export const defaultTracesPort = 4318;

/**
 * What the local trace store answers at `GET /api/traces?orderId=<id>`: every trace holding a span
 * about that order, each with all of its spans sorted by start. The local console reads it.
 */
export interface TracesAnswer {
  traces: Trace[];
}

export interface Trace {
  traceId: string;
  spans: TraceSpan[];
}

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** Absent on a trace's root span. */
  parentSpanId?: string;
  /** The resource's service.name: catalog, order, edge, … */
  service: string;
  name: string;
  kind: SpanKindName;
  startUnixMs: number;
  durationMs: number;
  status: 'OK' | 'ERROR';
  statusMessage?: string;
  attributes: Record<string, AttributeValue>;
  links: { traceId: string; spanId: string }[];
}

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

/** The span attribute that finds an order's trace (services/kit/src/telemetry/spans.ts). */
export const orderIdAttribute = 'bookstore.order_id';
