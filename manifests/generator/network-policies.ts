import { NetworkPolicy, type INetworkPolicyPeer, type INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { edgeMetricsPort } from '../../mesh/envoy/bootstrap.js';
import { edgeCaller } from '../../mesh/envoy/edge-plan.js';
import type { CallEdge } from '../../mesh/policy/resilience.js';
import { authPort, clusterAdminPort, clusterGrpcPort, edgePort, type MeshService } from '../../mesh/policy/services.js';
import { authName } from './auth-workload.js';
import { appLabel, clusterNamespace } from './cluster.js';
import { databaseServices } from './postgres.js';
import { natsClientPort, natsClusterPort, natsMonitorPort, natsService, postgresPort, postgresService } from './shared-config.js';

/** Istio's ingress gateway and control plane (and scrapers reaching the merged metrics) live there. */
const istioNamespace = 'istio-system';

const pods = (...apps: string[]): INetworkPolicyPeer[] =>
  apps.map((app) => ({ podSelector: { matchLabels: { [appLabel]: app } } }));
const namespace = (name: string): INetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const tcp = (...ports: number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));

function allow(name: string, rules: NonNullable<NetworkPolicy['spec']>['ingress']): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name, namespace: clusterNamespace },
    spec: { podSelector: { matchLabels: { [appLabel]: name } }, policyTypes: ['Ingress'], ingress: rules },
  });
}

/**
 * Default deny, then exactly the declared callers: a service accepts gRPC only from the callers
 * resilience.ts gives an edge into it (and the REST edge), NATS from the services, PostgreSQL from
 * the services that keep a database there, the edge from Istio's ingress gateway, the token service
 * from the ingress gateway and istiod (JWKS) and from the edge (JWKS, its routes). Admin ports
 * (probes come from the kubelet, which NetworkPolicies do not stop) open to istio-system for scraping.
 */
export function networkPolicies(services: readonly MeshService[], edges: readonly CallEdge[]): NetworkPolicy[] {
  const serviceNames = services.map((service) => service.name);
  return [
    new NetworkPolicy({ metadata: { name: 'default-deny-ingress', namespace: clusterNamespace }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }),
    allow(edgeCaller, [{ from: [namespace(istioNamespace)], ports: tcp(edgePort, edgeMetricsPort) }]),
    allow(authName, [{ from: [namespace(istioNamespace), ...pods(edgeCaller)], ports: tcp(authPort) }]),
    ...services.map((service) => {
      const callers = [...new Set(edges.filter((edge) => edge.callee === service.name).map((edge) => edge.caller))].sort();
      return allow(service.name, [
        ...(callers.length > 0 ? [{ from: pods(...callers), ports: tcp(clusterGrpcPort) }] : []),
        { from: [namespace(istioNamespace)], ports: tcp(clusterAdminPort) },
      ]);
    }),
    allow(natsService, [
      { from: pods(...serviceNames), ports: tcp(natsClientPort) },
      { from: pods(natsService), ports: tcp(natsClusterPort) },
      { from: [namespace(istioNamespace)], ports: tcp(natsMonitorPort) },
    ]),
    allow(postgresService, [{ from: pods(...databaseServices(services).map((service) => service.name)), ports: tcp(postgresPort) }]),
  ];
}
