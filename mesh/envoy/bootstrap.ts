import { grpcJsonTranscoderOptions } from '../../services/edge/src/transcoding-options.js';
import { edgePort } from '../policy/services.js';
import { accessFilters, authClusterConfig, authRoutes } from './edge-access.js';
import { edgeClusters } from './edge-clusters.js';
import { edgeLimits, hardenedConnectionManager, overloadManager } from './edge-hardening.js';
import type { EdgeUpstream } from './edge-plan.js';
import { edgeRoutes } from './edge-routes.js';
import { edgeTracing, tracingClusterConfig } from './edge-tracing.js';
import { typed, type JsonObject } from './json.js';
import { localReplyConfig } from './local-replies.js';
import type { MethodAccess } from './method-access.js';
import { durationFromMs } from './policy-units.js';

export const edgeAdminPort = 9901;
/** Envoy's Prometheus stats, and nothing else of the admin interface, for scrapers outside the pod. */
export const edgeMetricsPort = 9902;
export const edgeMetricsPath = '/stats/prometheus';
/** The loopback cluster behind the metrics listener; every other cluster is an upstream service. */
export const adminCluster = 'envoy-admin';
/** Where the edge finds the descriptor set of `make proto` (mounted there in every deployment). */
export const descriptorSetPath = '/etc/bookstore/bookstore.binpb';
/** Answered by Envoy itself (health_check filter), for the orchestrator's probes. */
export const edgeHealthPath = '/healthz';

/**
 * The standalone edge: REST and gRPC in on one port, the transcoder, one route and cluster per
 * upstream, the admin interface on loopback only. The access filters (edge-access.ts) follow the
 * transcoder, so they see REST and gRPC calls alike by their gRPC path.
 */
export function envoyBootstrap(upstreams: readonly EdgeUpstream[], access: readonly MethodAccess[]): JsonObject {
  return {
    admin: { address: socketAddress('127.0.0.1', edgeAdminPort) },
    overload_manager: overloadManager(),
    static_resources: {
      listeners: [
        {
          name: 'edge',
          address: socketAddress('0.0.0.0', edgePort),
          per_connection_buffer_limit_bytes: edgeLimits.bufferBytes,
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: connectionManager(upstreams, access) }] }],
        },
        metricsListener(),
      ],
      clusters: [...edgeClusters(upstreams), adminLoopbackCluster(), authClusterConfig(), tracingClusterConfig()],
    },
  };
}

/** Forwards GET /stats/prometheus to the loopback admin interface; every other path is a 404. */
function metricsListener(): JsonObject {
  return {
    name: 'metrics',
    address: socketAddress('0.0.0.0', edgeMetricsPort),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
              stat_prefix: 'metrics',
              route_config: {
                name: 'metrics',
                virtual_hosts: [{ name: 'metrics', domains: ['*'], routes: [{ match: { path: edgeMetricsPath, headers: [{ name: ':method', string_match: { exact: 'GET' } }] }, route: { cluster: adminCluster } }] }],
              },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: typed('envoy.extensions.filters.http.router.v3.Router') }],
            }),
          },
        ],
      },
    ],
  };
}

function adminLoopbackCluster(): JsonObject {
  return {
    name: adminCluster,
    type: 'STATIC',
    connect_timeout: durationFromMs(250),
    load_assignment: { cluster_name: adminCluster, endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress('127.0.0.1', edgeAdminPort) } }] }] },
  };
}

function connectionManager(upstreams: readonly EdgeUpstream[], access: readonly MethodAccess[]): JsonObject {
  return typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
    stat_prefix: 'edge',
    codec_type: 'AUTO',
    // x-request-id is generated when a client sends none (Envoy's default) and returned to it.
    always_set_request_id_in_response: true,
    ...hardenedConnectionManager(),
    tracing: edgeTracing(),
    route_config: { name: 'edge', virtual_hosts: [{ name: 'bookstore', domains: ['*'], routes: [...authRoutes(), ...edgeRoutes(upstreams)] }] },
    http_filters: httpFilters(upstreams, access),
    // Envoy's own answers as google.rpc.Status JSON, like the local edge's (see local-replies.ts).
    local_reply_config: localReplyConfig(),
  });
}

function httpFilters(upstreams: readonly EdgeUpstream[], access: readonly MethodAccess[]): JsonObject[] {
  return [
    {
      name: 'envoy.filters.http.health_check',
      typed_config: typed('envoy.extensions.filters.http.health_check.v3.HealthCheck', {
        pass_through_mode: false,
        headers: [{ name: ':path', string_match: { exact: edgeHealthPath } }],
      }),
    },
    {
      name: 'envoy.filters.http.grpc_json_transcoder',
      // The options are the local edge's (services/edge), so REST behaves the same through either.
      typed_config: typed('envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder', {
        proto_descriptor: descriptorSetPath,
        services: upstreams.flatMap((upstream) => upstream.routedGrpcServices),
        ...grpcJsonTranscoderOptions,
      }),
    },
    ...accessFilters(access),
    { name: 'envoy.filters.http.router', typed_config: typed('envoy.extensions.filters.http.router.v3.Router') },
  ];
}

function socketAddress(address: string, port: number): JsonObject {
  return { socket_address: { address, port_value: port } };
}
