import { adminCluster } from '../../envoy/bootstrap.js';
import { authCluster } from '../../envoy/edge-access.js';
import { envoyBootstrapPath } from '../../envoy/render.js';
import { edgeTracingCluster } from '../../observability/stack.js';
import { readYaml } from './repo-files.js';

/** The parts of the committed edge bootstrap the drift checks read (its schema is checked elsewhere). */
export interface EdgeRoute {
  match: { prefix: string };
  route: {
    cluster: string;
    max_stream_duration: { max_stream_duration: string; grpc_timeout_header_max: string };
    retry_policy: { retry_on: string; num_retries: number; per_try_timeout: string };
  };
}
export interface EdgeCluster {
  name: string;
  type: string;
  load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[] };
  health_checks: { grpc_health_check?: object }[];
  outlier_detection: Record<string, number | string>;
  circuit_breakers: { thresholds: { max_requests: number; max_pending_requests: number }[] };
}
interface Filter {
  name: string;
  typed_config: Record<string, unknown>;
}
/** An access log filter as a local reply mapper uses it. */
export interface LocalReplyFilter {
  status_code_filter?: { comparison: { op: string; value: { default_value: number; runtime_key: string } } };
  header_filter?: { header: Record<string, unknown> };
  and_filter?: { filters: LocalReplyFilter[] };
  or_filter?: { filters: LocalReplyFilter[] };
}
export interface LocalReplyMapper {
  filter: LocalReplyFilter;
  body_format_override?: unknown;
}
interface ConnectionManager {
  route_config: { virtual_hosts: { routes: EdgeRoute[] }[] };
  http_filters: Filter[];
  local_reply_config?: { mappers?: LocalReplyMapper[] };
}
interface Bootstrap {
  admin: { address: { socket_address: { address: string; port_value: number } } };
  static_resources: {
    listeners: { address: { socket_address: { address: string; port_value: number } }; filter_chains: { filters: Filter[] }[] }[];
    clusters: EdgeCluster[];
  };
}

function connectionManager(bootstrap: Bootstrap): ConnectionManager {
  return bootstrap.static_resources.listeners[0]?.filter_chains[0]?.filters[0]?.typed_config as unknown as ConnectionManager;
}

export function committedLocalReplyMappers(): LocalReplyMapper[] {
  return connectionManager(readYaml(envoyBootstrapPath)[0] as Bootstrap).local_reply_config?.mappers ?? [];
}

export function committedEdgeConfig(): { bootstrap: Bootstrap; routes: EdgeRoute[]; authRoutes: EdgeRoute[]; clusters: EdgeCluster[]; httpFilters: Filter[] } {
  const bootstrap = readYaml(envoyBootstrapPath)[0] as Bootstrap;
  const manager = connectionManager(bootstrap);
  const allRoutes = manager.route_config.virtual_hosts.flatMap((host) => host.routes);
  return {
    bootstrap,
    // The routes to the upstream services; the token service's own paths are apart.
    routes: allRoutes.filter((route) => route.route.cluster !== authCluster),
    authRoutes: allRoutes.filter((route) => route.route.cluster === authCluster),
    // The upstream services; the admin loopback and the token service's cluster (jwt_authn's JWKS) are apart.
    clusters: bootstrap.static_resources.clusters.filter((cluster) => ![adminCluster, authCluster, edgeTracingCluster].includes(cluster.name)),
    httpFilters: manager.http_filters,
  };
}
