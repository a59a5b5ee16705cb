import { Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { EnvoyFilter } from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import { clusterNamespace, serviceHost } from '../../manifests/generator/cluster.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import { transportRetryOn } from '../envoy/policy-units.js';
import { authName } from '../../manifests/generator/auth-workload.js';
import { perCallerRateLimit, tokenBucket } from '../envoy/edge-access.js';
import type { JsonObject } from '../envoy/json.js';
import { authPathPrefixes } from '../policy/access.js';
import { authPort, edgePort } from '../policy/services.js';

export const ingressGatewayName = 'bookstore';
/** The TLS certificate for port 443, a Secret the operator creates in the ingress gateway's namespace. */
export const ingressTlsSecret = 'bookstore-tls';

/** The shop's entry on Istio's default ingress gateway: plain HTTP and HTTPS, any host name. */
export function ingressGateway(): Gateway {
  return new Gateway({
    metadata: { name: ingressGatewayName, namespace: clusterNamespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: ingressTlsSecret } },
      ],
    },
  });
}

/** Istio's own namespace: the ingress gateway runs there, and an EnvoyFilter for it must too. */
export const istioNamespace = 'istio-system';

/**
 * The token service's paths (discovery, JWKS, token, device, sign-in) go to it; everything else
 * to the transcoding edge (REST and gRPC alike), which applies the edge -> service policies itself. Only failures that never reached an edge pod are retried here,
 * so retries do not stack on the edge's.
 */
export function ingressRoutes(): VirtualService {
  return new VirtualService({
    metadata: { name: `${ingressGatewayName}-ingress`, namespace: clusterNamespace },
    spec: {
      hosts: ['*'],
      gateways: [`${clusterNamespace}/${ingressGatewayName}`],
      http: [
        {
          name: `to-${authName}`,
          match: authPathPrefixes.map((prefix) => ({ uri: { prefix } })),
          route: [{ destination: { host: serviceHost(authName), port: { number: authPort } } }],
          retries: { attempts: 1, retryOn: transportRetryOn.join(',') },
        },
        {
          name: `to-${edgeCaller}`,
          route: [{ destination: { host: serviceHost(edgeCaller), port: { number: edgePort } } }],
          retries: { attempts: 1, retryOn: transportRetryOn.join(',') },
        },
      ],
    },
  });
}

/**
 * The rate limit of mesh/policy/rate-limits.ts on the ingress gateway: Envoy's local_ratelimit
 * with one bucket per client address (the gateway sees the client's address; tokens are verified
 * behind it, at the edge, which then keeps one bucket per verified subject). Before the router,
 * so a refused request reaches neither the edge nor the token service.
 */
export function ingressRateLimit(): EnvoyFilter {
  return new EnvoyFilter({
    metadata: { name: `${ingressGatewayName}-rate-limit`, namespace: istioNamespace },
    spec: {
      workloadSelector: { labels: { istio: 'ingressgateway' } },
      configPatches: [
        {
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'GATEWAY',
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
          },
          patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.local_ratelimit', typed_config: ingressRateLimitConfig() } },
        },
      ],
    },
  });
}

/** The gateway's local_ratelimit: a bucket per client address, the numbers of the edge's. */
export function ingressRateLimitConfig(): JsonObject {
  return perCallerRateLimit('ingress_rate_limit', {
    rate_limits: [{ actions: [{ remote_address: {} }] }],
    descriptors: [{ entries: [{ key: 'remote_address' }], token_bucket: tokenBucket() }],
  });
}
