import { Sidecar } from '@kubernetes-models/istio/networking.istio.io/v1';
import { clusterNamespace } from '../../manifests/generator/cluster.js';

/**
 * The namespace's default Sidecar: every proxy knows only the services of this namespace and of
 * istio-system (the control plane and the gateway), instead of every service of the cluster, which
 * keeps each sidecar's config and memory small as the cluster grows. Outbound traffic to anything
 * else is refused (REGISTRY_ONLY), so a call to an undeclared host fails instead of leaving the mesh.
 */
export function namespaceSidecar(): Sidecar {
  return new Sidecar({
    metadata: { name: 'default', namespace: clusterNamespace },
    spec: {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    },
  });
}
