import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { clusterNamespace } from '../../manifests/generator/cluster.js';

/** Mutual TLS required for every workload of the namespace; plaintext callers are refused. */
export function strictMutualTls(): PeerAuthentication {
  return new PeerAuthentication({
    metadata: { name: 'default', namespace: clusterNamespace },
    spec: { mtls: { mode: 'STRICT' } },
  });
}
