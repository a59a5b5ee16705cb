import { yamlDocuments, type GeneratedFile } from '../envoy/generated-files.js';
import type { CallEdge } from '../policy/resilience.js';
import { externalSystems, type MeshService } from '../policy/services.js';
import { descriptorServices, readDescriptorSet } from '../envoy/descriptor-services.js';
import { methodAccess } from '../envoy/method-access.js';
import { calleeAuthorizationPolicy, edgeAuthorizationPolicy, edgeRequestAuthentication } from './access-policies.js';
import { calleePolicies } from './callee-policies.js';
import { destinationRule } from './destination-rule.js';
import { externalSystemResources } from './external-system.js';
import { ingressGateway, ingressRateLimit, ingressRoutes } from './ingress.js';
import { authJwksPlaintext, strictMutualTls } from './peer-authentication.js';
import { scenarioCallee, trafficScenarios } from './scenarios.js';
import { namespaceSidecar } from './sidecar.js';
import { istioInstall, namespaceTelemetry } from './tracing.js';
import { virtualService } from './virtual-service.js';

const generator = 'mesh/istio/generate.ts';
/** Every file under it is generated; the generator deletes what it no longer writes. */
export const istioResourcesDir = 'mesh/istio/resources';
export const istioKustomization = 'mesh/istio/kustomization.yaml';
/** Istio's own installation (meshConfig): `istioctl install -f`, not part of the kustomization. */
export const istioInstallFile = 'mesh/istio/install.yaml';

/** The Istio resources, one file per concern, per callee and per external system, and the kustomization applying them. */
export function renderIstio(edges: readonly CallEdge[], services: readonly MeshService[], descriptorSet: Uint8Array = readDescriptorSet()): GeneratedFile[] {
  const access = methodAccess(descriptorSet, descriptorServices(descriptorSet).withHttpRules.filter((name) => services.some((service) => service.grpcServices.includes(name))));
  const external = new Set(externalSystems.map((system) => system.name));
  const meshEdges = edges.filter((edge) => !external.has(edge.callee));
  const callees = calleePolicies(meshEdges, services);
  const resources: GeneratedFile[] = [
    { path: `${istioResourcesDir}/peer-authentication.yaml`, content: yamlDocuments(generator, [strictMutualTls(), authJwksPlaintext()]) },
    { path: `${istioResourcesDir}/sidecar.yaml`, content: yamlDocuments(generator, [namespaceSidecar()]) },
    { path: `${istioResourcesDir}/telemetry.yaml`, content: yamlDocuments(generator, [namespaceTelemetry()]) },
    { path: `${istioResourcesDir}/ingress.yaml`, content: yamlDocuments(generator, [ingressGateway(), ingressRoutes(), ingressRateLimit()]) },
    { path: `${istioResourcesDir}/edge-access.yaml`, content: yamlDocuments(generator, [edgeRequestAuthentication(), edgeAuthorizationPolicy(access)]) },
    ...callees.map((policies) => ({
      path: `${istioResourcesDir}/${policies.callee.name}.yaml`,
      content: yamlDocuments(generator, [destinationRule(policies), virtualService(policies), calleeAuthorizationPolicy(policies.callee, edges)]),
    })),
    ...externalSystems.flatMap((system) => {
      const edge = edges.find((candidate) => candidate.callee === system.name);
      return edge === undefined ? [] : [{ path: `${istioResourcesDir}/external-${system.name}.yaml`, content: yamlDocuments(generator, externalSystemResources(system, edge)) }];
    }),
  ];
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    // No namespace override: every resource names its own (the gateway's EnvoyFilter is istio-system's).
    resources: resources.map((file) => file.path.slice('mesh/istio/'.length)),
  };
  const scenarios = callees.filter((policies) => policies.callee.name === scenarioCallee).flatMap(trafficScenarios);
  const install = { path: istioInstallFile, content: yamlDocuments(generator, [istioInstall()], ['istioctl install -f mesh/istio/install.yaml -y  (before the shop: see README, "Deploying to a cluster")']) };
  return [...resources, { path: istioKustomization, content: yamlDocuments(generator, [kustomization]) }, install, ...scenarios];
}
