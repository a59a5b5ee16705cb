import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { SamplerName, TracingSettings } from './settings.js';
import { SpanSinks } from './span-sinks.js';

/** The instrumentation scope of every span the kit makes. */
const scope = 'bookstore-kit';

interface Installed {
  provider: TracerProvider;
  sinks: SpanSinks;
  exportsTo: string | undefined;
}

let installed: Installed | undefined;

/**
 * Makes this process trace: W3C trace context and baggage as the propagators, AsyncLocalStorage as
 * the context manager, the sampler OTEL_TRACES_SAMPLER names, and, when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, OTLP/HTTP (JSON) export in batches. Without an endpoint spans are still made, so trace ids
 * reach the logs and sampling decisions travel on, but nothing leaves the process.
 * A process has one tracer provider: the first start decides the service name and the sampler; an
 * exporter is added once, by the first start that names an endpoint.
 */
export function startTracing(service: string, settings: TracingSettings): void {
  installed ??= install(settings.serviceName ?? service, samplerOf(settings.sampler, settings.samplerRatio));
  const endpoint = settings.exporterEndpoint;
  if (endpoint === undefined || installed.exportsTo !== undefined) return;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  installed.sinks.add(new BatchSpanProcessor({ exporter, scheduledDelayMillis: exportDelayMs }));
  installed.exportsTo = endpoint;
}

/** How long a finished span may wait to be exported with others: short, so a trace is readable at once. */
const exportDelayMs = 500;

/** Exports what has ended so far (at shutdown: nothing recorded is lost). */
export async function flushTraces(): Promise<void> {
  await installed?.provider.forceFlush();
}

/** The tracer of the kit's spans; a no-op one until startTracing. */
export function tracer(): Tracer {
  return trace.getTracer(scope);
}

/** Where spans go besides the exporter (an in-memory sink in tests); starts tracing for `service` if nothing did. */
export function spanSinks(service: string, settings: TracingSettings): SpanSinks {
  startTracing(service, settings);
  return (installed as Installed).sinks;
}

function install(serviceName: string, sampler: Sampler): Installed {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  const sinks = new SpanSinks();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }), sampler, spanProcessors: [sinks] });
  trace.setGlobalTracerProvider(provider);
  return { provider, sinks, exportsTo: undefined };
}

function samplerOf(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
