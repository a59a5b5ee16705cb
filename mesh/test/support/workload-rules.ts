import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IService } from 'kubernetes-models/v1';
import { nameOf, type KubernetesObject } from './kubernetes-object.js';

/** Istio picks a port's protocol from its name: `<protocol>` or `<protocol>-<suffix>`. */
const istioProtocols = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];

export function isIstioPortName(name: string | undefined): boolean {
  return name !== undefined && istioProtocols.some((protocol) => name === protocol || name.startsWith(`${protocol}-`));
}

const ofKind = <T>(objects: readonly KubernetesObject[], kind: string): (KubernetesObject & T)[] =>
  objects.filter((object) => object.kind === kind) as (KubernetesObject & T)[];

function podContainers(object: KubernetesObject & (IDeployment | IStatefulSet)): IContainer[] {
  const pod = object.spec?.template.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

/** Every container and Service port carries a name Istio reads as a protocol. */
export function portNameProblems(objects: readonly KubernetesObject[]): string[] {
  const workloads = [...ofKind<IDeployment>(objects, 'Deployment'), ...ofKind<IStatefulSet>(objects, 'StatefulSet')];
  const containerPorts = workloads.flatMap((workload) =>
    podContainers(workload).flatMap((container) => (container.ports ?? []).map((port) => ({ where: `${nameOf(workload)} ${container.name}`, name: port.name, number: port.containerPort }))),
  );
  const servicePorts = ofKind<IService>(objects, 'Service').flatMap((service) =>
    (service.spec?.ports ?? []).map((port) => ({ where: nameOf(service), name: port.name, number: port.port })),
  );
  return [...containerPorts, ...servicePorts]
    .filter((port) => !isIstioPortName(port.name))
    .map((port) => `${port.where}: port ${String(port.number)} is named ${JSON.stringify(port.name)}, not <protocol>[-<suffix>] (Istio protocol selection)`);
}

/** Every Deployment: probes and resource requests on each container, an HPA (or a KEDA ScaledObject) scaling it, a PDB covering its pods. */
export function deploymentProblems(objects: readonly KubernetesObject[]): string[] {
  const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
  const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
  return ofKind<IDeployment>(objects, 'Deployment').flatMap((deployment) => {
    const where = nameOf(deployment);
    const problems: string[] = [];
    const pod = deployment.spec?.template.spec;
    for (const container of pod?.containers ?? []) {
      if (container.readinessProbe === undefined) problems.push(`${where} ${container.name}: no readinessProbe`);
      if (container.livenessProbe === undefined) problems.push(`${where} ${container.name}: no livenessProbe`);
    }
    for (const container of podContainers(deployment)) {
      const requests = container.resources?.requests ?? {};
      if (requests['cpu'] === undefined || requests['memory'] === undefined) problems.push(`${where} ${container.name}: no cpu and memory requests`);
    }
    const scaled =
      autoscalers.some((hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === deployment.metadata.name) ||
      ofKind<{ spec?: { scaleTargetRef: { name: string } } }>(objects, 'ScaledObject').some((scaledObject) => scaledObject.spec?.scaleTargetRef.name === deployment.metadata.name);
    // A Deployment pinned to one replica (the token service keeps sign-ins in memory) is not scaled.
    if (!scaled && deployment.spec?.replicas !== 1) problems.push(`${where}: no HorizontalPodAutoscaler or ScaledObject targets it`);
    const podLabels = deployment.spec?.template.metadata?.labels ?? {};
    const covered = budgets.some((pdb) => {
      const selector = Object.entries(pdb.spec?.selector?.matchLabels ?? {});
      return selector.length > 0 && selector.every(([key, value]) => podLabels[key] === value);
    });
    if (!covered) problems.push(`${where}: no PodDisruptionBudget selects its pods`);
    return problems;
  });
}
