import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { edgeDeadlines } from '../../services/edge/src/transcoding-options.js';
import { appLabel, clusterNamespace, serviceHost, stableVersion } from '../../manifests/generator/cluster.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import { durationFromMs, retryOn } from '../envoy/policy-units.js';
import type { CallEdge } from '../policy/resilience.js';
import { clusterGrpcPort } from '../policy/services.js';
import type { CalleePolicies } from './callee-policies.js';

export type HttpRoute = NonNullable<NonNullable<VirtualService['spec']>['http']>[number];

/**
 * One route per caller -> callee edge, told apart by the caller pod's `app` label, on the gRPC port
 * only (the admin port keeps Istio's defaults). A caller with no declared edge matches no route and
 * is refused, as callPolicy() refuses it in process.
 */
export function virtualService({ callee, edges }: CalleePolicies): VirtualService {
  return new VirtualService({
    metadata: { name: callee.name, namespace: clusterNamespace },
    spec: {
      hosts: [serviceHost(callee.name)],
      http: edges.map((edge) => edgeRoute(edge)),
    },
  });
}

function edgeRoute(edge: CallEdge): HttpRoute {
  return {
    name: `${edge.caller}-to-${edge.callee}`,
    match: [{ sourceLabels: { [appLabel]: edge.caller }, port: clusterGrpcPort }],
    route: [{ destination: { host: serviceHost(edge.callee), subset: stableVersion, port: { number: clusterGrpcPort } } }],
    ...(edge.caller === edgeCaller ? behindTheEdge() : policy(edge)),
  };
}

function policy(edge: CallEdge): Pick<HttpRoute, 'timeout' | 'retries'> {
  return {
    timeout: durationFromMs(edge.deadlineMs),
    retries: { attempts: edge.retries.attempts, perTryTimeout: durationFromMs(edge.retries.perTryTimeoutMs), retryOn: retryOn(edge) },
  };
}

/**
 * The edge's own Envoy applies the edge -> service policy (mesh/envoy/envoy.yaml). Its sidecar
 * retrying too would let one REST call reach a failing service (attempts + 1)^2 times, and the
 * policy deadline here would cut the longer grpc-timeout a client may ask the edge for; so the
 * sidecar only bounds a call by the longest deadline the edge grants.
 */
function behindTheEdge(): Pick<HttpRoute, 'timeout' | 'retries'> {
  return { timeout: durationFromMs(edgeDeadlines.grpcTimeoutHeaderMaxMs), retries: { attempts: 0 } };
}
