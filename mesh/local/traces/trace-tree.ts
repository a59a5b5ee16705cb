import type { Trace, TraceSpan } from './trace-api.js';

/**
 * An order's traces as text, one tree per trace: each span on a line under its parent, with its
 * service, operation, duration and status. A span whose parent is not in the trace (not exported,
 * or not sampled) starts a tree of its own, marked as such.
 */
export function traceTrees(orderId: string, traces: readonly Trace[]): string {
  if (traces.length === 0) return `no trace of order ${orderId}`;
  const spanCount = traces.reduce((sum, trace) => sum + trace.spans.length, 0);
  const header = `order ${orderId}: ${traces.length} ${traces.length === 1 ? 'trace' : 'traces'}, ${spanCount} spans`;
  return [header, ...traces.map(traceTree)].join('\n\n');
}

interface Line {
  depth: number;
  span: TraceSpan;
  orphan: boolean;
}

function traceTree(trace: Trace): string {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const children = new Map<string, TraceSpan[]>();
  const tops: TraceSpan[] = [];
  for (const span of trace.spans) {
    if (span.parentSpanId !== undefined && ids.has(span.parentSpanId)) children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    else tops.push(span);
  }
  const lines: Line[] = [];
  const walk = (span: TraceSpan, depth: number, orphan: boolean): void => {
    lines.push({ depth, span, orphan });
    for (const child of children.get(span.spanId) ?? []) walk(child, depth + 1, false);
  };
  for (const top of tops) walk(top, 0, top.parentSpanId !== undefined);

  const serviceWidth = Math.max(...lines.map((line) => line.span.service.length));
  const operations = lines.map((line) => `${'  '.repeat(line.depth)}${operationOf(line)}`);
  const operationWidth = Math.max(...operations.map((operation) => operation.length));
  const first = Math.min(...trace.spans.map((span) => span.startUnixMs));
  const last = Math.max(...trace.spans.map((span) => span.startUnixMs + span.durationMs));
  const rows = lines.map((line, index) => {
    const status = line.span.status === 'OK' ? 'OK' : `ERROR${line.span.statusMessage === undefined ? '' : ` ${line.span.statusMessage}`}`;
    return `  ${line.span.service.padEnd(serviceWidth)}  ${(operations[index] ?? '').padEnd(operationWidth)}  ${formatMs(line.span.durationMs).padStart(10)}  ${status}`;
  });
  return [`trace ${trace.traceId}  (${trace.spans.length} spans, ${formatMs(last - first)} end to end)`, ...rows].join('\n');
}

/** The span's name, marked [client] for a call's caller side: its client and server spans share a name. */
function operationOf(line: Line): string {
  const kind = line.span.kind === 'CLIENT' && line.span.attributes['rpc.method'] !== undefined ? ' [client]' : '';
  return `${line.span.name}${kind}${line.orphan ? ' (parent not in this trace)' : ''}`;
}

function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}
