import { Deployment } from 'kubernetes-models/apps/v1';
import { clusterNamespace, stableVersion, versionLabel } from '../../manifests/generator/cluster.js';
import { serviceWorkload } from '../../manifests/generator/service-workload.js';
import { yamlDocuments, type GeneratedFile } from '../envoy/generated-files.js';
import type { CalleePolicies } from './callee-policies.js';
import { destinationRule } from './destination-rule.js';
import { virtualService, type HttpRoute } from './virtual-service.js';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';

const generator = 'mesh/istio/generate.ts';
export const scenariosDir = 'mesh/istio/scenarios';
/** The service the scenarios exercise: the one every order asks synchronously. */
export const scenarioCallee = 'catalog';
const canaryVersion = 'v2';

/**
 * One file per traffic scenario, in the style of Istio's samples: each replaces the callee's
 * generated DestinationRule or VirtualService (same names), keeping every route's policy, so
 * `kubectl apply -k mesh/istio` afterwards restores the declared state.
 */
export function trafficScenarios(policies: CalleePolicies): GeneratedFile[] {
  const name = policies.callee.name;
  const file = (scenario: string, comments: string[], documents: unknown[]): GeneratedFile => {
    const path = `${scenariosDir}/${name}-${scenario}.yaml`;
    return { path, content: yamlDocuments(generator, documents, [...comments, `Apply: kubectl apply -f ${path}`, `Undo:  kubectl apply -k mesh/istio${scenario === 'canary' ? ` && kubectl -n ${clusterNamespace} delete deployment ${name}-${canaryVersion}` : ''}`]) };
  };
  const routes = (change: (route: HttpRoute) => HttpRoute): VirtualService => {
    const { metadata, spec } = virtualService(policies);
    return new VirtualService({ metadata, spec: { ...spec, http: (spec?.http ?? []).map(change) } });
  };
  return [
    file('canary', [`Canary: a ${versionLabel}=${canaryVersion} Deployment of ${name} beside ${stableVersion}, taking 10 % of every caller's calls.`], [
      canaryDeployment(policies),
      destinationRule(policies, [stableVersion, canaryVersion]),
      routes((route) => ({
        ...route,
        route: (route.route ?? []).flatMap((target) => [
          { ...target, destination: { ...target.destination, subset: stableVersion }, weight: 90 },
          { ...target, destination: { ...target.destination, subset: canaryVersion }, weight: 10 },
        ]),
      })),
    ]),
    file('delay', [`Delay: half of the calls to ${name} wait 3 s first; order's 1.5 s deadline answers DEADLINE_EXCEEDED naming ${name}.`], [
      routes((route) => ({ ...route, fault: { delay: { fixedDelay: '3s', percentage: { value: 50 } } } })),
    ]),
    file('abort', [`Abort: half of the calls to ${name} fail with UNAVAILABLE; retries and outlier ejection take the rest.`], [
      routes((route) => ({ ...route, fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } } } })),
    ]),
  ];
}

/** The callee's Deployment as `<name>-v2`, labelled v2; set its image to the release under test. */
function canaryDeployment({ callee }: CalleePolicies): Deployment {
  const stable = serviceWorkload(callee).find((manifest): manifest is Deployment => manifest instanceof Deployment);
  if (stable === undefined) throw new Error(`no Deployment for ${callee.name}`);
  const canary = structuredClone(stable.toJSON()) as Deployment;
  canary.metadata = { ...canary.metadata, name: `${callee.name}-${canaryVersion}`, labels: { ...canary.metadata?.labels, [versionLabel]: canaryVersion } };
  if (canary.spec !== undefined) {
    canary.spec.replicas = 1;
    canary.spec.selector = { matchLabels: { ...canary.spec.selector.matchLabels, [versionLabel]: canaryVersion } };
    canary.spec.template.metadata = { ...canary.spec.template.metadata, labels: { ...canary.spec.template.metadata?.labels, [versionLabel]: canaryVersion } };
  }
  return canary;
}
