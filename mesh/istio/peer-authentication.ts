import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { authName } from '../../manifests/generator/auth-workload.js';
import { appLabel, clusterNamespace } from '../../manifests/generator/cluster.js';
import { authPort } from '../policy/services.js';

/** Mutual TLS required for every workload of the namespace; plaintext callers are refused. */
export function strictMutualTls(): PeerAuthentication {
  return new PeerAuthentication({
    metadata: { name: 'default', namespace: clusterNamespace },
    spec: { mtls: { mode: 'STRICT' } },
  });
}

/**
 * istiod fetches the token service's JWKS for RequestAuthentication itself, without a sidecar, so
 * the token service's HTTP port also takes plaintext; its answers are public (discovery, JWKS,
 * token endpoints), and every other port stays STRICT.
 */
export function authJwksPlaintext(): PeerAuthentication {
  return new PeerAuthentication({
    metadata: { name: `${authName}-jwks`, namespace: clusterNamespace },
    spec: { selector: { matchLabels: { [appLabel]: authName } }, mtls: { mode: 'STRICT' }, portLevelMtls: { [String(authPort)]: { mode: 'PERMISSIVE' } } },
  });
}
