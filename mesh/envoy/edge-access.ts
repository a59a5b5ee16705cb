import { verifiedClaimsHeader } from '../../services/kit/src/access/own-data.js';
import { apiAudience, authPathPrefixes, clusterAuth } from '../policy/access.js';
import { edgeRateLimit } from '../policy/rate-limits.js';
import { authPort } from '../policy/services.js';
import { typed, type JsonObject } from './json.js';
import type { MethodAccess } from './method-access.js';

const provider = 'bookstore';
const payloadKey = 'jwt_payload';
export const authCluster = 'auth';

/** The dynamic metadata jwt_authn writes the verified subject under; clients cannot set it. */
const subjectMetadata = { key: 'envoy.filters.http.jwt_authn', path: [{ key: payloadKey }, { key: 'sub' }] };
/** Callers whose buckets one edge instance keeps at once (Envoy's LRU of wildcard descriptors). */
export const callerBucketsKept = 10_000;

/**
 * Envoy's access filters, placed after the transcoder so they see every call by its gRPC path,
 * REST and native gRPC alike: jwt_authn (the token service's JWKS; a token is required for every
 * method not declared open), local_ratelimit (the numbers of mesh/policy/rate-limits.ts, one
 * bucket per caller: the verified subject, else the client's address) and RBAC (each method admits
 * the roles declared next to it). A customer's own data is checked by the services themselves,
 * from the verified claims jwt_authn forwards (services/kit/src/access/own-data.ts).
 */
export function accessFilters(access: readonly MethodAccess[]): JsonObject[] {
  return [
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
            // Replaces any header of that name the client sent, on every method that requires a token.
            forward_payload_header: verifiedClaimsHeader,
            payload_in_metadata: payloadKey,
          },
        },
        rules: access.filter((method) => !method.open).map((method) => ({ match: { path: method.grpcPath }, requires: { provider_name: provider } })),
      }),
    },
    {
      name: 'envoy.filters.http.local_ratelimit',
      typed_config: perCallerRateLimit('edge_rate_limit', {
        rate_limits: [
          { actions: [{ metadata: { descriptor_key: 'subject', metadata_key: subjectMetadata, source: 'DYNAMIC', skip_if_absent: true } }] },
          { actions: [{ metadata: { descriptor_key: 'caller', metadata_key: subjectMetadata, source: 'DYNAMIC', default_value: 'anonymous' } }, { remote_address: {} }] },
        ],
        // Entries without a value are wildcards: one bucket per distinct subject, per anonymous address.
        descriptors: [
          { entries: [{ key: 'subject' }], token_bucket: tokenBucket() },
          { entries: [{ key: 'caller', value: 'anonymous' }, { key: 'remote_address' }], token_bucket: tokenBucket() },
        ],
      }),
    },
    {
      name: 'envoy.filters.http.rbac',
      typed_config: typed('envoy.extensions.filters.http.rbac.v3.RBAC', {
        rules: {
          action: 'ALLOW',
          policies: {
            ...Object.fromEntries(access.map((method) => [method.grpcPath, rbacPolicy(method)])),
            'token-service': { permissions: authPathPrefixes.map((prefix) => ({ url_path: { path: { prefix } } })), principals: [{ any: true }] },
          },
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

/**
 * Envoy's local_ratelimit with the buckets `callers` describes (rate_limits actions and wildcard
 * descriptors), each with the numbers of mesh/policy/rate-limits.ts; 429 RESOURCE_EXHAUSTED with
 * Retry-After. The default bucket is only for a request no descriptor matches (none should).
 */
export function perCallerRateLimit(statPrefix: string, callers: { rate_limits: JsonObject[]; descriptors: JsonObject[] }): JsonObject {
  return typed('envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit', {
    stat_prefix: statPrefix,
    token_bucket: tokenBucket(),
    always_consume_default_token_bucket: false,
    ...callers,
    max_dynamic_descriptors: callerBucketsKept,
    filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: `${statPrefix}_enabled` },
    filter_enforced: { default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: `${statPrefix}_enforced` },
    response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'retry-after', value: '1' } }],
    rate_limited_as_resource_exhausted: true,
  });
}

/** The token bucket of mesh/policy/rate-limits.ts, in Envoy's terms. */
export function tokenBucket(): JsonObject {
  return { max_tokens: edgeRateLimit.burst, tokens_per_fill: edgeRateLimit.refillPerSecond, fill_interval: '1s' };
}

/** The token service's own paths (discovery, JWKS, token, device, sign-in) go to it, open to anyone. */
export function authRoutes(): JsonObject[] {
  return authPathPrefixes.map((prefix) => ({
    name: `${authCluster}${prefix}`,
    match: { prefix },
    route: { cluster: authCluster, host_rewrite_literal: clusterAuth.host, timeout: '5s' },
  }));
}
