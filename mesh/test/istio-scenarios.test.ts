import { expect } from 'chai';
import { istioKustomization } from '../istio/render.js';
import { scenarioCallee, scenariosDir } from '../istio/scenarios.js';
import { listFiles, repoRoot } from '../envoy/generated-files.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { schemaProblems } from './support/kubernetes-schemas.js';
import { readRepoFile, readYaml } from './support/repo-files.js';

interface Route {
  name: string;
  timeout?: string;
  retries?: unknown;
  fault?: unknown;
  route: { destination: { host: string; subset?: string }; weight?: number }[];
}
type Routes = KubernetesObject & { spec: { http: Route[] } };
type Rule = KubernetesObject & { spec: { subsets: { name: string; labels: Record<string, string> }[] } };

const objectsOf = (path: string): KubernetesObject[] => asKubernetesObjects(readYaml(path), path);
function one(objects: readonly KubernetesObject[], kind: 'VirtualService'): Routes;
function one(objects: readonly KubernetesObject[], kind: 'DestinationRule'): Rule;
function one(objects: readonly KubernetesObject[], kind: string): KubernetesObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === scenarioCallee);
  if (found === undefined) throw new Error(`no ${kind} ${scenarioCallee}`);
  return found;
}

describe('the traffic scenarios of mesh/istio/scenarios', () => {
  const declared = objectsOf(`mesh/istio/resources/${scenarioCallee}.yaml`);
  const declaredRoutes = one(declared, 'VirtualService').spec.http;
  const scenario = (name: string): KubernetesObject[] => objectsOf(`${scenariosDir}/${scenarioCallee}-${name}.yaml`);

  it('are one file each for canary, delay and abort, none applied by the kustomization', () => {
    expect(listFiles(repoRoot, scenariosDir)).to.deep.equal(['canary', 'abort', 'delay'].map((name) => `${scenariosDir}/${scenarioCallee}-${name}.yaml`).sort());
    expect(readRepoFile(istioKustomization)).not.to.include('scenarios');
  });

  it('validate strictly, and each names the command that applies it and the one that undoes it', () => {
    for (const name of ['canary', 'delay', 'abort']) {
      expect(scenario(name).flatMap(schemaProblems), name).to.deep.equal([]);
      expect(readRepoFile(`${scenariosDir}/${scenarioCallee}-${name}.yaml`)).to.include(`# Apply: kubectl apply -f ${scenariosDir}/${scenarioCallee}-${name}.yaml`).and.include('# Undo:  kubectl apply -k mesh/istio');
    }
  });

  it('the declared routes go to the v1 subset, which the DestinationRule defines by the version label', () => {
    for (const route of declaredRoutes) expect(route.route.map((target) => target.destination.subset), route.name).to.deep.equal(['v1']);
    expect(one(declared, 'DestinationRule').spec.subsets).to.deep.equal([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  it('canary: a v2 Deployment, a v2 subset and every route split 90/10, with its policy kept', () => {
    const objects = scenario('canary');
    const deployment = objects.find((object) => object.kind === 'Deployment');
    expect(deployment?.metadata).to.deep.include({ name: `${scenarioCallee}-v2` });
    expect(JSON.stringify(deployment?.spec)).to.include('"version":"v2"');
    expect(one(objects, 'DestinationRule').spec.subsets.map((subset) => subset.name)).to.deep.equal(['v1', 'v2']);
    for (const route of one(objects, 'VirtualService').spec.http) {
      expect(route.route.map((target) => [target.destination.subset, target.weight]), route.name).to.deep.equal([['v1', 90], ['v2', 10]]);
      const declaredRoute = declaredRoutes.find((candidate) => candidate.name === route.name);
      expect({ timeout: route.timeout, retries: route.retries }).to.deep.equal({ timeout: declaredRoute?.timeout, retries: declaredRoute?.retries });
    }
  });

  it('delay and abort inject their fault into every route and change nothing else', () => {
    for (const [name, fault] of [['delay', { delay: { fixedDelay: '3s', percentage: { value: 50 } } }], ['abort', { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } } }]] as const) {
      const routes = one(scenario(name), 'VirtualService').spec.http;
      expect(routes.map((route) => ({ ...route, fault: undefined })), name).to.deep.equal(declaredRoutes.map((route) => ({ ...route, fault: undefined })));
      for (const route of routes) expect(route.fault, `${name} ${route.name}`).to.deep.equal(fault);
    }
  });
});
