import { callPolicy } from '../policy/resilience.js';
import { meshServices, type MeshService } from '../policy/services.js';
import { envoyBootstrap } from './bootstrap.js';
import { descriptorServices, readDescriptorSet } from './descriptor-services.js';
import { planEdge, type EdgePlan } from './edge-plan.js';
import { yamlDocuments, type GeneratedFile } from './generated-files.js';
import { methodAccess } from './method-access.js';

export const envoyBootstrapPath = 'mesh/envoy/envoy.yaml';

export interface EnvoySources {
  descriptorSet: Uint8Array;
  services: readonly MeshService[];
  policyFor: typeof callPolicy;
}

export const committedSources = (): EnvoySources => ({ descriptorSet: readDescriptorSet(), services: meshServices, policyFor: callPolicy });

export function renderEnvoy(sources: EnvoySources): { plan: EdgePlan; file: GeneratedFile } {
  const plan = planEdge(descriptorServices(sources.descriptorSet), sources.services, sources.policyFor);
  const access = methodAccess(sources.descriptorSet, plan.upstreams.flatMap((upstream) => upstream.routedGrpcServices));
  return { plan, file: { path: envoyBootstrapPath, content: yamlDocuments('mesh/envoy/generate.ts', [envoyBootstrap(plan.upstreams, access)]) } };
}
