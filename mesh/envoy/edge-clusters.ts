import { clusterGrpcPort } from '../policy/services.js';
import { edgeLimits } from './edge-hardening.js';
import { podsName, type EdgeUpstream } from './edge-plan.js';
import { typed, type JsonObject } from './json.js';
import { durationFromMs } from './policy-units.js';

/**
 * How often the edge asks each instance for grpc.health.v1 status. Not a per-edge policy: it only
 * decides how fast a draining instance (NOT_SERVING on SIGTERM) leaves the rotation.
 */
const healthCheck = { timeoutMs: 1_000, intervalMs: 5_000, unhealthyThreshold: 2, healthyThreshold: 1 };

/** One HTTP/2 cluster per upstream service, over the addresses of all its pods. */
export function edgeClusters(upstreams: readonly EdgeUpstream[]): JsonObject[] {
  return upstreams.map(({ service, policy }) => ({
    name: service.name,
    type: 'STRICT_DNS',
    connect_timeout: durationFromMs(1_000),
    per_connection_buffer_limit_bytes: edgeLimits.bufferBytes,
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', {
        explicit_http_config: {
          http2_protocol_options: {
            initial_stream_window_size: edgeLimits.http2.initialStreamWindowBytes,
            initial_connection_window_size: edgeLimits.http2.initialConnectionWindowBytes,
          },
        },
      }),
    },
    load_assignment: {
      cluster_name: service.name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: podsName(service.name), port_value: clusterGrpcPort } } } }] }],
    },
    health_checks: [
      {
        timeout: durationFromMs(healthCheck.timeoutMs),
        interval: durationFromMs(healthCheck.intervalMs),
        unhealthy_threshold: healthCheck.unhealthyThreshold,
        healthy_threshold: healthCheck.healthyThreshold,
        // No service_name: the whole server's status, which the kit turns NOT_SERVING on shutdown.
        grpc_health_check: {},
      },
    ],
    outlier_detection: {
      consecutive_5xx: policy.circuitBreaker.consecutiveFailures,
      consecutive_gateway_failure: policy.circuitBreaker.consecutiveFailures,
      // Envoy counts gateway failures (UNAVAILABLE, DEADLINE_EXCEEDED) but ejects on them only when enforced.
      enforcing_consecutive_gateway_failure: 100,
      interval: durationFromMs(policy.circuitBreaker.intervalMs),
      base_ejection_time: durationFromMs(policy.circuitBreaker.baseEjectionMs),
      max_ejection_percent: policy.circuitBreaker.maxEjectionPercent,
    },
    circuit_breakers: {
      thresholds: [
        {
          priority: 'DEFAULT',
          max_requests: policy.connectionPool.maxRequests,
          max_pending_requests: policy.connectionPool.maxPendingRequests,
        },
      ],
    },
  }));
}
