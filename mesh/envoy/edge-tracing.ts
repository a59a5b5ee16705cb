import { edgeTracingCluster, otelCollector } from '../observability/stack.js';
import { edgeCaller } from './edge-plan.js';
import { typed, type JsonObject } from './json.js';
import { durationFromMs } from './policy-units.js';

/**
 * The edge's spans, over OTLP/gRPC to the OpenTelemetry Collector of manifests/components/observability
 * (docs/tracing.md). Envoy continues a client's `traceparent` and keeps its sampled flag; a request
 * without one starts a trace, every one of them sampled (100 %), as the services' default sampler
 * (parentbased_always_on) does. Without the collector (compose) the cluster has no host and spans are dropped.
 */
export function edgeTracing(): JsonObject {
  return {
    random_sampling: { value: 100 },
    provider: {
      name: 'envoy.tracers.opentelemetry',
      typed_config: typed('envoy.config.trace.v3.OpenTelemetryConfig', {
        grpc_service: { envoy_grpc: { cluster_name: edgeTracingCluster }, timeout: durationFromMs(1_000) },
        service_name: edgeCaller,
      }),
    },
  };
}

export function tracingClusterConfig(): JsonObject {
  return {
    name: edgeTracingCluster,
    type: 'STRICT_DNS',
    connect_timeout: durationFromMs(1_000),
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', { explicit_http_config: { http2_protocol_options: {} } }),
    },
    load_assignment: {
      cluster_name: edgeTracingCluster,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: otelCollector.name, port_value: otelCollector.otlpGrpcPort } } } }] }],
    },
  };
}
