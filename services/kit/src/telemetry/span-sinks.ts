import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * The span processors of the process's one tracer provider, which can be added after it is made:
 * the exporter's when a service starts, an in-memory one in a test. The SDK's provider takes its
 * processors once, at construction, and a process has one provider.
 */
export class SpanSinks implements SpanProcessor {
  private readonly sinks = new Set<SpanProcessor>();

  /** Adds `sink`; the returned function removes it again. */
  add(sink: SpanProcessor): () => void {
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
    };
  }

  onStart(span: Span, parentContext: Context): void {
    for (const sink of this.sinks) sink.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    for (const sink of this.sinks) sink.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.sinks].map((sink) => sink.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sinks].map((sink) => sink.shutdown()));
  }
}
