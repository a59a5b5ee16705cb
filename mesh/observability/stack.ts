/**
 * Names and ports of the observability stack in a cluster (manifests/components/observability),
 * which the Envoy edge, Istio, the services' OTLP exporter and Grafana's data sources point at.
 */
export const otelCollector = { name: 'otel-collector', otlpGrpcPort: 4317, otlpHttpPort: 4318 } as const;
export const traceStore = { name: 'jaeger', otlpGrpcPort: 4317, queryPort: 16686 } as const;
export const prometheus = { name: 'prometheus', port: 9090 } as const;
export const grafana = { name: 'grafana', port: 3000 } as const;
/** prometheus-nats-exporter beside each NATS server, reading its monitoring port. */
export const natsExporter = { name: 'nats-exporter', port: 7777 } as const;

/** The name Istio's meshConfig gives the collector as a tracing provider, and Telemetry selects. */
export const istioTracingProvider = 'otel-collector';
/** Envoy's cluster for the collector (the edge exports its spans there over OTLP/gRPC). */
export const edgeTracingCluster = 'otel-collector';
