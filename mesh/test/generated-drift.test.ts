import { expect } from 'chai';
import { parse } from 'yaml';
import { baseDir, componentsDir, renderManifests } from '../../manifests/generator/render.js';
import { committedSources, renderEnvoy } from '../envoy/render.js';
import { istioResourcesDir, renderIstio } from '../istio/render.js';
import { scenariosDir } from '../istio/scenarios.js';
import { callEdges, callPolicy, type CallEdge, type CallPolicy } from '../policy/resilience.js';
import { meshService, meshServices, type MeshService } from '../policy/services.js';
import { driftProblems } from './support/drift.js';

describe('generated files equal their generators output (run `make generate-mesh` after changing an input)', () => {
  const envoy = renderEnvoy(committedSources()).file;

  it('mesh/envoy/envoy.yaml', () => {
    expect(driftProblems([envoy], [])).to.deep.equal([]);
  });

  it('mesh/istio', () => {
    expect(driftProblems(renderIstio(callEdges, meshServices), [istioResourcesDir, scenariosDir])).to.deep.equal([]);
  });

  it('manifests/base', () => {
    expect(driftProblems(renderManifests({ services: meshServices, edges: callEdges, envoyBootstrap: envoy.content }), [baseDir, componentsDir])).to.deep.equal([]);
  });

  it('the comparison notices a changed, a missing and a left-over file', () => {
    const files = [
      { path: 'a.yaml', content: 'new' },
      { path: 'b.yaml', content: 'same' },
    ];
    const committed: Record<string, string> = { 'b.yaml': 'same', 'dir/old.yaml': 'x' };
    const read = (path: string): string | undefined => (path === 'a.yaml' ? 'old' : committed[path]);
    expect(driftProblems(files, ['dir'], read, () => ['dir/old.yaml'])).to.deep.equal(['a.yaml: differs from its generator\'s output', 'dir/old.yaml: no generator writes it any more']);
    expect(driftProblems([{ path: 'c.yaml', content: '' }], [], () => undefined)).to.deep.equal(['c.yaml: not committed']);
  });
});

describe('a service added to services.ts reaches every generated file with no hand edit', () => {
  // order and mypage play the newcomers: the mesh without them, then with them added.
  const newcomers = new Set(['order', 'mypage']);
  const template = meshService('catalog');
  const added: MeshService[] = [
    { ...template, name: 'order', grpcServices: ['bookstore.order.v1.OrderService'], stateful: 'database' },
    { ...template, name: 'mypage', grpcServices: ['bookstore.mypage.v1.MyPageService'], stateful: 'replica-local' },
  ];
  const services = [...meshServices.filter((service) => !newcomers.has(service.name)), ...added];
  const policy = callPolicy('edge', template.name);
  const edgesBefore = callEdges.filter((edge) => !newcomers.has(edge.caller) && !newcomers.has(edge.callee));
  const edges = [...edgesBefore, ...added.map((service) => ({ ...policy, caller: 'edge', callee: service.name }))];
  const policyOf = (declared: readonly CallEdge[]) => (caller: string, callee: string): CallPolicy => {
    const edge = declared.find((candidate) => candidate.caller === caller && candidate.callee === callee);
    if (edge === undefined) throw new Error(`no policy ${caller} -> ${callee}`);
    return edge;
  };
  const envoy = renderEnvoy({ ...committedSources(), services, policyFor: policyOf(edges) });
  const manifests = renderManifests({ services, edges, envoyBootstrap: envoy.file.content });
  const manifest = (path: string): string => manifests.find((file) => file.path === `${baseDir}/${path}`)?.content ?? '';

  it('the edge transcodes, routes and clusters it', () => {
    expect(envoy.plan.upstreams.map((upstream) => upstream.service.name)).to.deep.equal(services.map((service) => service.name));
    expect(envoy.file.content).to.include('prefix: /bookstore.order.v1.OrderService/').and.include('cluster_name: mypage');
  });

  it('Istio gets its DestinationRule and VirtualService', () => {
    const paths = renderIstio(edges, services).map((file) => file.path);
    expect(paths).to.include.members([`${istioResourcesDir}/order.yaml`, `${istioResourcesDir}/mypage.yaml`]);
  });

  it('the base gets its workload, database or replica-local store, and peer address', () => {
    const kustomization = parse(manifest('kustomization.yaml')) as { resources: string[] };
    expect(kustomization.resources).to.include.members(['services/order.yaml', 'services/mypage.yaml']);
    expect(manifest('postgres/init-databases.sql')).to.include('CREATE DATABASE "order"').and.not.include('mypage');
    expect(manifest('services/mypage.yaml')).to.include('sqlite:///var/lib/bookstore/mypage.sqlite');
    expect(manifest('config/services.env')).to.include('ORDER_ADDR=order:50051');
  });

  it('a service with HTTP rules but no edge policy stops the generator with the edge to add', () => {
    expect(() => renderEnvoy({ ...committedSources(), services, policyFor: policyOf(edgesBefore) })).to.throw(/edge -> order/);
  });
});
