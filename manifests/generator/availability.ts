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

/**
 * Voluntary disruptions (node drains, upgrades) take one pod at a time, whatever the replica count:
 * `maxUnavailable: 1` never blocks a drain the way `minAvailable: 1` does with one replica. A pod
 * that is not ready may always be evicted (AlwaysAllow), so a crash-looping pod cannot hold up a drain.
 */
export function disruptOneAtATime(name: string): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name, namespace: clusterNamespace },
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { [appLabel]: name } } },
  });
}

/**
 * Spread replicas over zones and nodes when the cluster has room, so one zone or node loss keeps
 * the others; only the current rollout's pods count (pod-template-hash), so a rollout is not skewed
 * by the pods it replaces. `ScheduleAnyway`: a one-node dev cluster still schedules everything.
 */
export function spreadOverNodes(name: string, matchLabelKeys: string[] = ['pod-template-hash']): ITopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { [appLabel]: name } },
    ...(matchLabelKeys.length > 0 ? { matchLabelKeys } : {}),
  }));
}
