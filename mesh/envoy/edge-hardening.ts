import { typed, type JsonObject } from './json.js';
import { durationFromMs } from './policy-units.js';

/**
 * The settings of Envoy's "Configuring Envoy as an edge proxy" guide, for the one listener that
 * faces clients: bounded buffers, streams and header waits, headers with underscores refused (a
 * proxy behind may read `x_user` as `x-user`), the client's address taken from the connection, and
 * an overload manager that sheds load before the container's memory limit kills the process.
 */
export const edgeLimits = {
  /** Per connection, downstream and upstream: the guide's 32 KiB. */
  bufferBytes: 32_768,
  http2: { maxConcurrentStreams: 100, initialStreamWindowBytes: 65_536, initialConnectionWindowBytes: 1_048_576 },
  connectionIdleMs: 3_600_000,
  streamIdleMs: 300_000,
  requestHeadersMs: 10_000,
  maxDownstreamConnections: 50_000,
  /** The heap the overload manager measures against: below the edge container's 256Mi memory limit. */
  maxHeapBytes: 200 * 1024 * 1024,
} as const;

/** Fields of the edge's HttpConnectionManager, spread into it next to the routes and filters. */
export function hardenedConnectionManager(): JsonObject {
  return {
    use_remote_address: true,
    normalize_path: true,
    merge_slashes: true,
    path_with_escaped_slashes_action: 'UNESCAPE_AND_REDIRECT',
    common_http_protocol_options: {
      idle_timeout: durationFromMs(edgeLimits.connectionIdleMs),
      headers_with_underscores_action: 'REJECT_REQUEST',
    },
    http2_protocol_options: {
      max_concurrent_streams: edgeLimits.http2.maxConcurrentStreams,
      initial_stream_window_size: edgeLimits.http2.initialStreamWindowBytes,
      initial_connection_window_size: edgeLimits.http2.initialConnectionWindowBytes,
    },
    stream_idle_timeout: durationFromMs(edgeLimits.streamIdleMs),
    request_headers_timeout: durationFromMs(edgeLimits.requestHeadersMs),
    access_log: [
      {
        name: 'envoy.access_loggers.stdout',
        typed_config: typed('envoy.extensions.access_loggers.stream.v3.StdoutAccessLog', { log_format: { json_format: accessLogFields } }),
      },
    ],
  };
}

/** One JSON line per request, with the request id the services log under and the gRPC status. */
const accessLogFields: JsonObject = {
  time: '%START_TIME%',
  requestId: '%REQ(X-REQUEST-ID)%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  status: '%RESPONSE_CODE%',
  grpcStatus: '%GRPC_STATUS%',
  flags: '%RESPONSE_FLAGS%',
  durationMs: '%DURATION%',
  upstream: '%UPSTREAM_CLUSTER%',
  client: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  traceparent: '%REQ(TRACEPARENT)%',
};

/** Sheds load as the heap nears its bound: shrink the heap at 95 %, refuse new requests at 98 %. */
export function overloadManager(): JsonObject {
  return {
    refresh_interval: durationFromMs(250),
    resource_monitors: [
      {
        name: 'envoy.resource_monitors.fixed_heap',
        typed_config: typed('envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig', { max_heap_size_bytes: edgeLimits.maxHeapBytes }),
      },
      {
        name: 'envoy.resource_monitors.global_downstream_max_connections',
        typed_config: typed('envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig', {
          max_active_downstream_connections: edgeLimits.maxDownstreamConnections,
        }),
      },
    ],
    actions: [
      { name: 'envoy.overload_actions.shrink_heap', triggers: [{ name: 'envoy.resource_monitors.fixed_heap', threshold: { value: 0.95 } }] },
      { name: 'envoy.overload_actions.stop_accepting_requests', triggers: [{ name: 'envoy.resource_monitors.fixed_heap', threshold: { value: 0.98 } }] },
    ],
  };
}
