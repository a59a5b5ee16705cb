import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1';
import { clusterNamespace, serviceHost, stableVersion, versionLabel } from '../../manifests/generator/cluster.js';
import { durationFromMs } from '../envoy/policy-units.js';
import type { CalleePolicies } from './callee-policies.js';

/** A caller's breaker and connection pool (mesh/policy) as Istio's connection limits and outlier ejection. */
export function breakerTrafficPolicy({ circuitBreaker, connectionPool }: CalleePolicies['breaker']) {
  return {
    connectionPool: {
      http: { http2MaxRequests: connectionPool.maxRequests, http1MaxPendingRequests: connectionPool.maxPendingRequests },
    },
    outlierDetection: {
      consecutive5xxErrors: circuitBreaker.consecutiveFailures,
      consecutiveGatewayErrors: circuitBreaker.consecutiveFailures,
      interval: durationFromMs(circuitBreaker.intervalMs),
      baseEjectionTime: durationFromMs(circuitBreaker.baseEjectionMs),
      maxEjectionPercent: circuitBreaker.maxEjectionPercent,
    },
  };
}

/**
 * Connection limits and outlier ejection for every client of one service, over mutual TLS, and a
 * subset per workload version (pods labelled `version`) for the routes to pick from.
 */
export function destinationRule({ callee, breaker }: CalleePolicies, versions: readonly string[] = [stableVersion]): DestinationRule {
  return new DestinationRule({
    metadata: { name: callee.name, namespace: clusterNamespace },
    spec: {
      host: serviceHost(callee.name),
      subsets: versions.map((version) => ({ name: version, labels: { [versionLabel]: version } })),
      trafficPolicy: { ...breakerTrafficPolicy(breaker), tls: { mode: 'ISTIO_MUTUAL' } },
    },
  });
}
