import type { CallPolicy } from '../policy/resilience.js';
import type { MeshService } from '../policy/services.js';
import type { DescriptorServices } from './descriptor-services.js';

/** The caller name of the REST edge in mesh/policy/resilience.ts. */
export const edgeCaller = 'edge';

/**
 * The DNS name that resolves to the address of every ready pod of a service (a headless Service in
 * a cluster, a network alias in compose). The edge's STRICT_DNS clusters resolve it, so Envoy
 * balances each call over the pods; a ClusterIP would pin each HTTP/2 connection to one pod.
 */
export const podsName = (service: string): string => `${service}-pods`;

/** One mesh service the edge sends REST (and gRPC) traffic to. */
export interface EdgeUpstream {
  service: MeshService;
  /** Its gRPC services that have HTTP rules, routed by their `/<package.Service>/` prefix. */
  routedGrpcServices: string[];
  policy: CallPolicy;
}

export interface EdgePlan {
  upstreams: EdgeUpstream[];
  /** Services with HTTP rules in the protos that no service in services.ts serves yet. */
  unserved: string[];
}

/**
 * What the edge transcodes and routes: the services of the descriptor set that have HTTP rules,
 * joined with the mesh service that serves each. A service in services.ts naming a gRPC service
 * the protos do not have, or an upstream without an `edge -> <service>` policy, is an error here
 * rather than a config Envoy would accept.
 */
export function planEdge(
  descriptor: DescriptorServices,
  services: readonly MeshService[],
  policyFor: (caller: string, callee: string) => CallPolicy,
): EdgePlan {
  const known = new Set(descriptor.all);
  for (const service of services) {
    const missing = service.grpcServices.filter((name) => !known.has(name));
    if (missing.length > 0) throw new Error(`services.ts: ${service.name} serves ${missing.join(', ')}, not in the descriptor set`);
  }
  const withHttpRules = new Set(descriptor.withHttpRules);
  const upstreams = services.flatMap((service): EdgeUpstream[] => {
    const routedGrpcServices = service.grpcServices.filter((name) => withHttpRules.has(name)).sort();
    return routedGrpcServices.length === 0 ? [] : [{ service, routedGrpcServices, policy: policyFor(edgeCaller, service.name) }];
  });
  const served = new Set(upstreams.flatMap((upstream) => upstream.routedGrpcServices));
  return { upstreams, unserved: descriptor.withHttpRules.filter((name) => !served.has(name)) };
}
