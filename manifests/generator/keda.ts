import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { MeshService } from '../../mesh/policy/services.js';
import { eventStream } from '../../services/kit/src/events/streams.js';
import { replicas, targetCpuUtilization } from './availability.js';
import { appLabel, clusterNamespace, serviceHost, type Manifest } from './cluster.js';
import { natsMonitorPort, natsService } from './shared-config.js';

/**
 * Consumer-driven autoscaling with KEDA (manifests/components/keda): a service whose work arrives as
 * events scales on how far its durable JetStream consumer lags, which CPU says little about while
 * it waits on its store. Its replicas share the durable consumer (named after the service, as its
 * main.ts declares it), so more replicas drain the lag faster. CPU stays a second trigger.
 */
export const scaledOnEventLag = ['delivery'];
/** The KEDA release the component is written and validated against (mesh/test/schemas). */
export const kedaVersion = '2.20.2';
const kedaNamespace = 'keda';
/** Events waiting per replica before KEDA adds one. */
const lagPerReplica = 100;

interface ScaledObject extends Manifest {
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export function kedaResources(services: readonly MeshService[]): Manifest[] {
  const scaled = services.filter((service) => scaledOnEventLag.includes(service.name));
  return [
    ...scaled.map((service): ScaledObject => ({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: service.name, namespace: clusterNamespace },
      spec: {
        scaleTargetRef: { name: service.name },
        minReplicaCount: replicas.min,
        maxReplicaCount: replicas.max,
        triggers: [
          {
            type: 'nats-jetstream',
            metadata: {
              natsServerMonitoringEndpoint: `${serviceHost(natsService)}:${String(natsMonitorPort)}`,
              account: '$G',
              stream: eventStream,
              consumer: service.name,
              lagThreshold: String(lagPerReplica),
            },
          },
          { type: 'cpu', metricType: 'Utilization', metadata: { value: String(targetCpuUtilization) } },
        ],
      },
    })),
    // KEDA's operator runs outside the mesh: it reads NATS's monitoring port in plain HTTP.
    new NetworkPolicy({
      metadata: { name: `${natsService}-monitor-from-keda`, namespace: clusterNamespace },
      spec: {
        podSelector: { matchLabels: { [appLabel]: natsService } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': kedaNamespace } } }], ports: [{ protocol: 'TCP', port: natsMonitorPort }] }],
      },
    }),
    new PeerAuthentication({
      metadata: { name: `${natsService}-monitor`, namespace: clusterNamespace },
      spec: { selector: { matchLabels: { [appLabel]: natsService } }, mtls: { mode: 'STRICT' }, portLevelMtls: { [String(natsMonitorPort)]: { mode: 'PERMISSIVE' } } },
    }),
  ];
}

/** The component's kustomization: the ScaledObjects in, the CPU autoscalers they replace out. */
export function kedaComponent(resourcesFile: string, services: readonly MeshService[]): object {
  const replaced = scaledOnEventLag.filter((name) => services.some((service) => service.name === name));
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: [resourcesFile],
    patches: replaced.map((name) => ({
      target: { kind: HorizontalPodAutoscaler.kind, name },
      patch: JSON.stringify({ $patch: 'delete', apiVersion: HorizontalPodAutoscaler.apiVersion, kind: HorizontalPodAutoscaler.kind, metadata: { name } }),
    })),
  };
}
