import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1';
import { appLabel, clusterNamespace } from './cluster.js';

/** Base replica bounds; the overlays patch them per environment. */
export const replicas = { min: 2, max: 6 };
export const targetCpuUtilization = 70;

/** Scales a Deployment on CPU. */
export function cpuAutoscaler(name: string): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name, namespace: clusterNamespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: replicas.min,
      maxReplicas: replicas.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: targetCpuUtilization } } }],
    },
  });
}

/** Node drains take pods one at a time while keeping one serving. */
export function keepOneAvailable(name: string): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name, namespace: clusterNamespace },
    spec: { minAvailable: 1, selector: { matchLabels: { [appLabel]: name } } },
  });
}

/** Spread replicas over nodes when the cluster has room, so one node loss keeps the others. */
export function spreadOverNodes(name: string): ITopologySpreadConstraint[] {
  return [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { [appLabel]: name } } }];
}
