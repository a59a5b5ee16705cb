import { DestinationRule, ServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1';
import { clusterNamespace } from '../../manifests/generator/cluster.js';
import type { CallEdge } from '../policy/resilience.js';
import type { ExternalSystem } from '../policy/services.js';
import { breakerTrafficPolicy } from './destination-rule.js';

/** The plain-HTTP port callers use inside the mesh; the sidecar originates TLS to the system's own port. */
export const externalHttpPort = 80;

/**
 * A system outside the mesh (the card processor): a ServiceEntry makes its host known to the mesh,
 * and a DestinationRule gives it the caller's circuit breaking as outlier detection, with the same
 * numbers as the in-process breaker of mesh/policy, and TLS to the real host. Callers speak plain
 * HTTP to port 80, so the sidecar sees the answers and counts 5xx.
 */
export function externalSystemResources(system: ExternalSystem, edge: CallEdge): [ServiceEntry, DestinationRule] {
  const entry = new ServiceEntry({
    metadata: { name: system.name, namespace: clusterNamespace },
    spec: {
      hosts: [system.host],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: externalHttpPort, name: 'http', protocol: 'HTTP', targetPort: system.port }],
    },
  });
  const rule = new DestinationRule({
    metadata: { name: system.name, namespace: clusterNamespace },
    spec: {
      host: system.host,
      trafficPolicy: {
        ...breakerTrafficPolicy(edge),
        portLevelSettings: [{ port: { number: externalHttpPort }, tls: { mode: 'SIMPLE', sni: system.host } }],
      },
    },
  });
  return [entry, rule];
}
