import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { readConfig } from '#kit/config/config.js';
import { readTracingSettings } from '#kit/telemetry/settings.js';
import { spanSinks } from '#kit/telemetry/tracing.js';

/** The spans this process ends while a test records them, as an exporter would receive them. */
export interface RecordedSpans {
  /** The spans ended so far, in the order they ended. */
  readonly spans: ReadableSpan[];
  /** The one span named `name`; fails when there is none or several. */
  one(name: string): ReadableSpan;
  reset(): void;
  /** Stops recording. */
  stop(): void;
}

/** Starts tracing this test process as a service would (default settings) and records its spans. */
export function recordSpans(): RecordedSpans {
  const exporter = new InMemorySpanExporter();
  const remove = spanSinks('test', readConfig(readTracingSettings, {})).add(new SimpleSpanProcessor({ exporter }));
  return {
    get spans() {
      return exporter.getFinishedSpans();
    },
    one(name) {
      const named = exporter.getFinishedSpans().filter((span) => span.name === name);
      if (named.length !== 1) throw new Error(`${named.length} spans named ${name}; spans: ${exporter.getFinishedSpans().map((span) => span.name).join(', ')}`);
      return named[0] as ReadableSpan;
    },
    reset() {
      exporter.reset();
    },
    stop() {
      remove();
    },
  };
}
