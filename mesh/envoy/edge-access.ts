import { apiAudience, clusterAuth } from '../policy/access.js';
import { edgeRateLimit } from '../policy/rate-limits.js';
import { authPort } from '../policy/services.js';
import { typed, type JsonObject } from './json.js';
import type { MethodAccess } from './method-access.js';

const provider = 'bookstore';
const payloadKey = 'jwt_payload';
export const authCluster = 'auth';

/**
 * Envoy's access filters, placed after the transcoder so they see every call by its gRPC path,
 * REST and native gRPC alike: local_ratelimit (the numbers of mesh/policy/rate-limits.ts, one
 * bucket per edge instance: Envoy's local limiter has no per-caller buckets), jwt_authn
 * (the token service's JWKS; a token is required for every method not declared open) and RBAC
 * (each method admits the roles declared next to it). The customer checks (a customer's own
 * data) are the local edge's only: RBAC cannot compare a claim with a request field.
 */
export function accessFilters(access: readonly MethodAccess[]): JsonObject[] {
  return [
    {
      name: 'envoy.filters.http.local_ratelimit',
      typed_config: typed('envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit', {
        stat_prefix: 'edge_rate_limit',
        token_bucket: { max_tokens: edgeRateLimit.burst, tokens_per_fill: edgeRateLimit.refillPerSecond, fill_interval: '1s' },
        filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: 'edge_rate_limit_enabled' },
        filter_enforced: { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: 'edge_rate_limit_enforced' },
        response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'retry-after', value: '1' } }],
        rate_limited_as_resource_exhausted: true,
      }),
    },
    {
      name: 'envoy.filters.http.jwt_authn',
      typed_config: typed('envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication', {
        providers: {
          [provider]: {
            issuer: clusterAuth.issuer,
            audiences: [apiAudience],
            remote_jwks: {
              http_uri: { uri: `http://${clusterAuth.host}:${authPort}${clusterAuth.jwksPath}`, cluster: authCluster, timeout: '2s' },
              cache_duration: '600s',
              async_fetch: {},
            },
            forward: true,
            payload_in_metadata: payloadKey,
          },
        },
        rules: access.filter((method) => !method.open).map((method) => ({ match: { path: method.grpcPath }, requires: { provider_name: provider } })),
      }),
    },
    {
      name: 'envoy.filters.http.rbac',
      typed_config: typed('envoy.extensions.filters.http.rbac.v3.RBAC', {
        rules: {
          action: 'ALLOW',
          policies: Object.fromEntries(access.map((method) => [method.grpcPath, rbacPolicy(method)])),
        },
      }),
    },
  ];
}

function rbacPolicy(method: MethodAccess): JsonObject {
  return {
    permissions: [{ url_path: { path: { exact: method.grpcPath } } }],
    principals: method.open
      ? [{ any: true }]
      : method.roles.map((role) => ({
          sourced_metadata: {
            metadata_matcher: {
              filter: 'envoy.filters.http.jwt_authn',
              path: [{ key: payloadKey }, { key: 'roles' }],
              value: { list_match: { one_of: { string_match: { exact: role } } } },
            },
          },
        })),
  };
}

/** The token service, where jwt_authn fetches the JWKS (plain HTTP inside the cluster; the sidecars add mTLS). */
export function authClusterConfig(): JsonObject {
  return {
    name: authCluster,
    type: 'STRICT_DNS',
    connect_timeout: '1s',
    load_assignment: {
      cluster_name: authCluster,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: clusterAuth.host, port_value: authPort } } } }] }],
    },
  };
}
