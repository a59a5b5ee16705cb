import { Namespace } from 'kubernetes-models/v1';
import { generatedNotice, yamlDocuments, type GeneratedFile } from '../../mesh/envoy/generated-files.js';
import type { CallEdge } from '../../mesh/policy/resilience.js';
import type { MeshService } from '../../mesh/policy/services.js';
import { authSecretTemplate, authWorkload } from './auth-workload.js';
import { cloudNativePgResources, cnpgComponent } from './cloudnative-pg.js';
import { clusterNamespace } from './cluster.js';
import { edgeConfigMap, edgeWorkload } from './edge-workload.js';
import { kedaComponent, kedaResources } from './keda.js';
import { natsConfig, natsConfigMap, natsWorkload } from './nats.js';
import { observabilityComponent, prometheusRuleComponent } from './observability.js';
import { networkPolicies } from './network-policies.js';
import { databaseSecretTemplate, initDatabasesSql, postgresInitConfigMap, postgresWorkload } from './postgres.js';
import { serviceWorkload } from './service-workload.js';
import { serviceConfigMap, serviceEnvironment } from './shared-config.js';

const generator = 'manifests/generator/generate.ts';
/** Every file under it is generated; the overlays beside it are written by hand. */
export const baseDir = 'manifests/base';
/** Generated kustomize components an overlay may add (the overlays say which they add). */
export const componentsDir = 'manifests/components';
/** kustomize may only read files under the kustomization, so the edge bootstrap is copied here. */
export const edgeBootstrapCopy = `${baseDir}/edge/envoy.yaml`;

export interface ManifestSources {
  services: readonly MeshService[];
  /** The call edges of resilience.ts: who may call whom (NetworkPolicies). */
  edges: readonly CallEdge[];
  /** The content of mesh/envoy/envoy.yaml. */
  envoyBootstrap: string;
}

/** The kustomize base: the namespace, the shared infrastructure, the edge, the token service and one file per service. */
export function renderManifests({ services, edges, envoyBootstrap }: ManifestSources): GeneratedFile[] {
  const yaml = (path: string, documents: readonly unknown[]): GeneratedFile => ({ path: `${baseDir}/${path}`, content: yamlDocuments(generator, documents) });
  const resources = [
    yaml('namespace.yaml', [new Namespace({ metadata: { name: clusterNamespace, labels: { 'istio-injection': 'enabled' } } })]),
    yaml('nats/nats.yaml', natsWorkload()),
    yaml('postgres/postgres.yaml', postgresWorkload()),
    yaml('postgres/secret.yaml', [databaseSecretTemplate()]),
    yaml('edge/edge.yaml', edgeWorkload()),
    yaml('auth/auth.yaml', authWorkload()),
    yaml('auth/secret.yaml', [authSecretTemplate()]),
    yaml('network-policies.yaml', networkPolicies(services, edges)),
    ...services.map((service) => yaml(`services/${service.name}.yaml`, serviceWorkload(service))),
  ];
  const environment = Object.entries(serviceEnvironment(services)).map(([key, value]) => `${key}=${value}\n`);
  const generatedInputs: GeneratedFile[] = [
    { path: `${baseDir}/config/services.env`, content: generatedNotice(generator) + environment.join('') },
    { path: edgeBootstrapCopy, content: envoyBootstrap },
    { path: `${baseDir}/nats/nats.conf`, content: generatedNotice(generator) + natsConfig() },
    { path: `${baseDir}/postgres/init-databases.sql`, content: generatedNotice(generator, '--') + initDatabasesSql(services) },
  ];
  const inBase = (path: string): string => path.slice(baseDir.length + 1);
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: clusterNamespace,
    resources: resources.map((file) => inBase(file.path)),
    configMapGenerator: [
      { name: serviceConfigMap, envs: ['config/services.env'] },
      { name: edgeConfigMap, files: [inBase(edgeBootstrapCopy)] },
      { name: natsConfigMap, files: ['nats/nats.conf'] },
      { name: postgresInitConfigMap, files: ['postgres/init-databases.sql'] },
    ],
  };
  const component = (path: string, documents: readonly unknown[]): GeneratedFile => ({ path: `${componentsDir}/${path}`, content: yamlDocuments(generator, documents) });
  const components = [
    component('cloudnative-pg/cloudnative-pg.yaml', cloudNativePgResources(services)),
    component('cloudnative-pg/kustomization.yaml', [cnpgComponent('cloudnative-pg.yaml')]),
    component('keda/keda.yaml', kedaResources(services)),
    component('keda/kustomization.yaml', [kedaComponent('keda.yaml', services)]),
    ...observabilityComponent(services, `${componentsDir}/observability`, generator),
    ...prometheusRuleComponent(`${componentsDir}/prometheus-rules`, generator),
  ];
  return [...resources, ...generatedInputs, yaml('kustomization.yaml', [kustomization]), ...components];
}
