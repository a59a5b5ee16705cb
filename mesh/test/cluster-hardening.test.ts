import { expect } from 'chai';
import { appLabel, versionLabel } from '../../manifests/generator/cluster.js';
import { istioKustomization } from '../istio/render.js';
import { callEdges } from '../policy/resilience.js';
import { clusterGrpcPort, meshServices } from '../policy/services.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { kustomizeAvailable, kustomizeBuild } from './support/kustomize.js';
import { committedBaseObjects } from './support/manifest-tree.js';
import { readRepoFile, readYaml } from './support/repo-files.js';

type Tree = Record<string, unknown>;
const spec = (object: KubernetesObject | undefined): Tree => (object?.spec ?? {}) as Tree;
const podSpec = (object: KubernetesObject | undefined): Tree => spec(object)['template'] === undefined ? {} : ((spec(object)['template'] as Tree)['spec'] as Tree);
const json = (value: unknown): string => JSON.stringify(value);

describe('the cluster configs as Kubernetes and Istio users expect them', () => {
  const base = committedBaseObjects();
  const ofKind = (kind: string): KubernetesObject[] => base.filter((object) => object.kind === kind);
  const named = (kind: string, name: string): KubernetesObject | undefined => ofKind(kind).find((object) => object.metadata.name === name);
  const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet')];

  it('every workload has a PDB of maxUnavailable 1 that lets an unhealthy pod be evicted', () => {
    for (const workload of workloads.filter((object) => object.metadata.name !== 'postgres')) {
      const budget = ofKind('PodDisruptionBudget').find((candidate) => json(spec(candidate)['selector']).includes(`"${workload.metadata.name}"`));
      expect(spec(budget), workload.metadata.name).to.include({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
      expect(spec(budget)).not.to.have.property('minAvailable');
    }
  });

  it('spreads every Deployment and NATS over zones and nodes', () => {
    for (const workload of [...ofKind('Deployment'), named('StatefulSet', 'nats')]) {
      const keys = (podSpec(workload)['topologySpreadConstraints'] as { topologyKey: string }[] | undefined ?? []).map((constraint) => constraint.topologyKey);
      expect(keys, workload?.metadata.name).to.include.members(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });

  it('labels every pod with its version and selects Deployments by it, for Istio subsets', () => {
    for (const deployment of ofKind('Deployment')) {
      expect(json(spec(deployment)['selector']), deployment.metadata.name).to.include(`"${versionLabel}":"v1"`);
      expect(json(spec(deployment)['template']), deployment.metadata.name).to.include(`"${versionLabel}":"v1"`);
    }
  });

  it('NATS drains in lame duck mode within its grace period and knows its memory limit', () => {
    const nats = podSpec(named('StatefulSet', 'nats'));
    const [container] = nats['containers'] as Tree[];
    expect(json(container?.['lifecycle'])).to.include('ldm=');
    expect(json(container?.['env'])).to.include('GOMEMLIMIT');
    expect(container?.['image']).to.match(/^nats:2\.(1[0-9])\.\d+-alpine$/);
    for (const config of [readRepoFile('manifests/base/nats/nats.conf'), readRepoFile('manifests/overlays/prod/nats.conf')]) {
      expect(config).to.match(/lame_duck_duration: 30s/).and.match(/pid_file: \/var\/run\/nats\/nats\.pid/);
    }
    expect(nats['terminationGracePeriodSeconds']).to.be.greaterThan(30 + 10);
  });

  it('denies ingress by default and lets each service be called only by its declared callers', () => {
    const policies = ofKind('NetworkPolicy');
    expect(spec(named('NetworkPolicy', 'default-deny-ingress'))).to.deep.equal({ podSelector: {}, policyTypes: ['Ingress'] });
    for (const service of meshServices) {
      const rules = spec(policies.find((policy) => policy.metadata.name === service.name))['ingress'] as { from: Tree[]; ports: { port: number }[] }[];
      const grpcCallers = rules
        .filter((rule) => rule.ports.some((port) => port.port === clusterGrpcPort))
        .flatMap((rule) => rule.from.map((peer) => ((peer['podSelector'] as Tree)['matchLabels'] as Record<string, string>)[appLabel]));
      const declared = [...new Set(callEdges.filter((edge) => edge.callee === service.name).map((edge) => edge.caller))].sort();
      expect(grpcCallers, service.name).to.deep.equal(declared);
    }
  });

  it('Istio resources use the v1 APIs and include a namespace Sidecar', () => {
    const [kustomization] = readYaml(istioKustomization) as [{ resources: string[] }];
    const resources = kustomization.resources.flatMap((resource) => asKubernetesObjects(readYaml(`mesh/istio/${resource}`), resource));
    // EnvoyFilter has no v1: v1alpha3 is its only version.
    for (const resource of resources) expect(resource.apiVersion, `${resource.kind}/${resource.metadata.name}`).to.match(resource.kind === 'EnvoyFilter' ? /^networking\.istio\.io\/v1alpha3$/ : /^(networking|security|telemetry)\.istio\.io\/v1$/);
    expect(resources.filter((resource) => resource.kind === 'Sidecar').map((resource) => resource.metadata.name)).to.deep.equal(['default']);
  });

  it('prod keeps each event stream on every server of its three-node NATS cluster', function () {
    if (!kustomizeAvailable()) this.skip();
    const built = kustomizeBuild('manifests/overlays/prod');
    const nats = built.find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'nats');
    const config = built.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('bookstore-config')) as (KubernetesObject & { data: Record<string, string> }) | undefined;
    expect(spec(nats)['replicas']).to.equal(3);
    expect(config?.data['EVENT_STREAM_REPLICAS']).to.equal('3');
  });

  it('prod runs PostgreSQL through CloudNativePG: a primary and a replica, backups, a database per database service', function () {
    if (!kustomizeAvailable()) this.skip();
    const built = kustomizeBuild('manifests/overlays/prod');
    const of = (kind: string): KubernetesObject[] => built.filter((object) => object.kind === kind);
    expect(of('StatefulSet').map((object) => object.metadata.name)).to.deep.equal(['nats']);
    expect(spec(of('Service').find((object) => object.metadata.name === 'postgres'))).to.include({ type: 'ExternalName', externalName: 'bookstore-db-rw.bookstore.svc.cluster.local' });
    expect(spec(of('Cluster')[0])).to.include({ instances: 2 });
    expect(spec(of('ScheduledBackup')[0])).to.include({ method: 'volumeSnapshot' });
    const databases = of('Database').map((object) => String(spec(object)['name'])).sort();
    expect(databases).to.deep.equal(meshServices.filter((service) => service.stateful === 'database').map((service) => service.name).sort());
  });

  it('prod scales delivery on its JetStream consumer lag through KEDA, instead of a CPU autoscaler', function () {
    if (!kustomizeAvailable()) this.skip();
    const built = kustomizeBuild('manifests/overlays/prod');
    const scaled = built.find((object) => object.kind === 'ScaledObject' && object.metadata.name === 'delivery');
    expect(json(spec(scaled)['triggers'])).to.include('"type":"nats-jetstream"').and.include('"consumer":"delivery"').and.include('"stream":"BOOKSTORE"');
    expect(spec(scaled)).to.include({ minReplicaCount: 3, maxReplicaCount: 10 });
    expect(built.filter((object) => object.kind === 'HorizontalPodAutoscaler').map((object) => object.metadata.name)).not.to.include('delivery');
  });

  it('prod renames the image to a registry and keeps the package version as its tag', function () {
    if (!kustomizeAvailable()) this.skip();
    const images = kustomizeBuild('manifests/overlays/prod')
      .filter((object) => object.kind === 'Deployment')
      .flatMap((deployment) => (podSpec(deployment)['containers'] as { image: string }[]).map((container) => container.image));
    expect(images.filter((image) => image.includes('bookstore-mesh'))).to.have.length(meshServices.length + 1).and.satisfy((all: string[]) => all.every((image) => /^registry\.example\.com\/bookstore\/bookstore-mesh:\d+\.\d+\.\d+$/.test(image)));
  });
});
