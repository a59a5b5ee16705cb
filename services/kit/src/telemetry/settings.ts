import type { ConfigReader } from '../config/config.js';

/** The samplers OTEL_TRACES_SAMPLER may name (the OpenTelemetry SDK environment specification). */
export const samplerNames = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof samplerNames)[number];

/** Tracing as the standard OpenTelemetry variables configure it, for every process alike. */
export interface TracingSettings {
  /** OTEL_SERVICE_NAME; the process's own name when unset. */
  serviceName: string | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318; without it spans are made and propagated, not exported. */
  exporterEndpoint: string | undefined;
  sampler: SamplerName;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the traceidratio samplers. */
  samplerRatio: number;
}

export function readTracingSettings(read: ConfigReader): TracingSettings {
  const endpoint = read.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT');
  return {
    serviceName: read.optionalString('OTEL_SERVICE_NAME'),
    exporterEndpoint: endpoint === undefined ? undefined : read.url('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint, ['http://', 'https://']),
    sampler: read.oneOf('OTEL_TRACES_SAMPLER', samplerNames, 'parentbased_always_on'),
    samplerRatio: read.ratio('OTEL_TRACES_SAMPLER_ARG', 1),
  };
}
