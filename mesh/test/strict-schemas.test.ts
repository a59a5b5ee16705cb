import { expect } from 'chai';
import { istioKustomization } from '../istio/render.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { schemaProblems } from './support/kubernetes-schemas.js';
import { committedBaseObjects } from './support/manifest-tree.js';
import { readYaml } from './support/repo-files.js';

type Tree = Record<string, unknown>;

/** A path into an object: keys and list indexes. */
function at(tree: unknown, ...path: (string | number)[]): Tree {
  let node = tree;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  if (typeof node !== 'object' || node === null) throw new Error(`nothing at ${path.join('.')}`);
  return node as Tree;
}

/** A copy of a committed object with one deliberate mistake, and what the checker must say. */
function refuses(original: KubernetesObject | undefined, mutate: (copy: Tree) => void, expected: RegExp): void {
  if (original === undefined) throw new Error('no such committed object');
  const copy = structuredClone(original) as unknown as Tree;
  mutate(copy);
  expect(schemaProblems(copy as unknown as KubernetesObject).join('\n')).to.match(expected);
}

const base = committedBaseObjects();
const find = (objects: readonly KubernetesObject[], kind: string, name?: string): KubernetesObject | undefined =>
  objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
const istio = (): KubernetesObject[] => {
  const [kustomization] = readYaml(istioKustomization) as [{ resources: string[] }];
  return kustomization.resources.flatMap((resource) => asKubernetesObjects(readYaml(`mesh/istio/${resource}`), resource));
};

describe('the strict schema checks refuse deliberate typos', () => {
  describe('Kubernetes v1.35.0 (no unknown fields)', () => {
    const deployment = find(base, 'Deployment', 'catalog');

    it('spec.replica for spec.replicas', () => {
      refuses(deployment, (copy) => (at(copy, 'spec')['replica'] = 2), /must NOT have additional properties \(replica\)/);
    });
    it('readinesProbe in a container', () => {
      refuses(deployment, (copy) => {
        const container = at(copy, 'spec', 'template', 'spec', 'containers', 0);
        container['readinesProbe'] = container['readinessProbe'];
        delete container['readinessProbe'];
      }, /containers\/0 must NOT have additional properties \(readinesProbe\)/);
    });
    it('metadata.lables', () => {
      refuses(deployment, (copy) => (at(copy, 'metadata')['lables'] = { app: 'catalog' }), /\/metadata must NOT have additional properties \(lables\)/);
    });
    it('a string where the API wants an integer', () => {
      refuses(find(base, 'PodDisruptionBudget'), (copy) => (at(copy, 'spec')['unhealthyPodEvictionPolicy'] = 7), /unhealthyPodEvictionPolicy must be string/);
    });
    it('a kind the pinned version does not have', () => {
      expect(schemaProblems({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x' } }).join()).to.match(/no schema known/);
    });
  });

  describe("Istio 1.30.3's CRD schemas (no unknown fields, durations as the API server parses them)", () => {
    const rule = find(istio(), 'DestinationRule', 'catalog');
    const routes = find(istio(), 'VirtualService', 'catalog');

    it('consecutive5xxError for consecutive5xxErrors', () => {
      refuses(rule, (copy) => (at(copy, 'spec', 'trafficPolicy', 'outlierDetection')['consecutive5xxError'] = 5), /must NOT have additional properties \(consecutive5xxError\)/);
    });
    it('the duration "5 seconds"', () => {
      refuses(rule, (copy) => (at(copy, 'spec', 'trafficPolicy', 'outlierDetection')['interval'] = '5 seconds'), /outlierDetection\/interval must pass "x-kubernetes-validations"/);
    });
    it('a duration below the CRD bound (interval >= 1ms)', () => {
      refuses(rule, (copy) => (at(copy, 'spec', 'trafficPolicy', 'outlierDetection')['interval'] = '0.5ms'), /interval must pass "x-kubernetes-validations"/);
    });
    it('a misspelled field in a route', () => {
      refuses(routes, (copy) => (at(copy, 'spec', 'http', 0)['timout'] = '2s'), /must NOT have additional properties \(timout\)/);
    });
    it('a misspelled field of a CloudNativePG Cluster (the operator CRD, v1.30.0)', () => {
      const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' }, spec: { instances: 2, storage: { size: '1Gi' } } };
      expect(schemaProblems(cluster)).to.deep.equal([]);
      refuses(cluster, (copy) => (at(copy, 'spec')['instance'] = 2), /must NOT have additional properties \(instance\)/);
    });
    it('an Istio API version the release does not serve', () => {
      expect(schemaProblems({ apiVersion: 'networking.istio.io/v2', kind: 'VirtualService', metadata: { name: 'x' } }).join()).to.match(/no schema known/);
    });
  });
});
