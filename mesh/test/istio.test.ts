import { expect } from 'chai';
import type { IDestinationRule, IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { authName } from '../../manifests/generator/auth-workload.js';
import { appLabel, clusterNamespace, serviceHost } from '../../manifests/generator/cluster.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import { durationFromMs, retryOn } from '../envoy/policy-units.js';
import { calleePolicies } from '../istio/callee-policies.js';
import { istioKustomization } from '../istio/render.js';
import { virtualService, type HttpRoute } from '../istio/virtual-service.js';
import { authPathPrefixes } from '../policy/access.js';
import { callEdges, callPolicy, type CallEdge } from '../policy/resilience.js';
import { authPort, clusterGrpcPort, edgePort, externalSystems, meshService, meshServices } from '../policy/services.js';
import { edgeDeadlines } from '../../services/edge/src/transcoding-options.js';
import { kustomizationProblems } from './support/kustomization-rules.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { schemaProblems } from './support/kubernetes-schemas.js';
import { readYaml } from './support/repo-files.js';

const istioDir = istioKustomization.slice(0, istioKustomization.lastIndexOf('/'));

function committedIstioResources(): KubernetesObject[] {
  const [kustomization] = readYaml(istioKustomization) as [{ resources: string[] }];
  return kustomization.resources.flatMap((resource) => asKubernetesObjects(readYaml(`${istioDir}/${resource}`), resource));
}

const externalHosts = new Set(externalSystems.map((system) => system.host));
/** The call edges between services of the mesh; edges to external systems have resources of their own. */
const meshEdges = callEdges.filter((edge) => !externalSystems.some((system) => system.name === edge.callee));

const hostToService = (host: string): string => {
  const suffix = `.${clusterNamespace}.svc.cluster.local`;
  expect(host.endsWith(suffix), `${host} is a service of the namespace`).to.equal(true);
  return host.slice(0, -suffix.length);
};

describe('the Istio resources of mesh/istio', () => {
  const resources = committedIstioResources();
  const ofKind = <T>(kind: string): (KubernetesObject & T)[] =>
    resources.filter((resource) => resource.kind === kind && !externalHosts.has((resource as { spec?: { host?: string } }).spec?.host ?? '')) as (KubernetesObject & T)[];
  const serviceNames = meshServices.map((service) => service.name);
  const catalog = meshService('catalog');

  it("validate strictly against the OpenAPI schemas of Istio 1.30.3's CRDs", () => {
    expect(resources.flatMap(schemaProblems)).to.deep.equal([]);
  });

  it('the schema check refuses a wrong type and a kind it has no schema for', () => {
    const [rule] = ofKind<IDestinationRule>('DestinationRule');
    const broken = structuredClone(rule) as unknown as { spec: { trafficPolicy: { connectionPool: { http: Record<string, unknown> } } } };
    broken.spec.trafficPolicy.connectionPool.http['http2MaxRequests'] = 'many';
    expect(schemaProblems(broken as unknown as KubernetesObject).join()).to.match(/http2MaxRequests must be integer/);
    expect(schemaProblems({ apiVersion: 'networking.istio.io/v1beta1', kind: 'Sidecarz', metadata: { name: 'x' } })).to.have.length(1);
  });

  it('the kustomization names only files that exist', () => {
    expect(kustomizationProblems(istioDir)).to.deep.equal([]);
  });

  it('every host is a service of services.ts', () => {
    for (const rule of ofKind<IDestinationRule>('DestinationRule')) expect(serviceNames).to.include(hostToService(rule.spec?.host ?? ''));
    for (const routes of ofKind<IVirtualService>('VirtualService').filter((vs) => vs.spec?.gateways === undefined)) {
      for (const host of routes.spec?.hosts ?? []) expect(serviceNames).to.include(hostToService(host));
      for (const destination of (routes.spec?.http ?? []).flatMap((route) => route.route ?? [])) expect(serviceNames).to.include(hostToService(destination.destination.host));
    }
  });

  it('each callee has a DestinationRule with the breaker and connection pool of resilience.ts, over mutual TLS', () => {
    const callees = [...new Set(meshEdges.map((edge) => edge.callee))];
    const rules = ofKind<IDestinationRule>('DestinationRule');
    expect(rules.map((rule) => hostToService(rule.spec?.host ?? '')).sort()).to.deep.equal(callees.sort());
    for (const rule of rules) {
      const edge = callEdges.find((candidate) => candidate.callee === hostToService(rule.spec?.host ?? '')) as CallEdge;
      expect(rule.spec?.trafficPolicy).to.deep.equal({
        connectionPool: { http: { http2MaxRequests: edge.connectionPool.maxRequests, http1MaxPendingRequests: edge.connectionPool.maxPendingRequests } },
        outlierDetection: {
          consecutive5xxErrors: 0,
          consecutiveGatewayErrors: edge.circuitBreaker.consecutiveFailures,
          interval: durationFromMs(edge.circuitBreaker.intervalMs),
          baseEjectionTime: durationFromMs(edge.circuitBreaker.baseEjectionMs),
          maxEjectionPercent: edge.circuitBreaker.maxEjectionPercent,
        },
        tls: { mode: 'ISTIO_MUTUAL' },
      });
    }
  });

  const meshRoutes = (): HttpRoute[] => ofKind<IVirtualService>('VirtualService').flatMap((vs) => (vs.spec?.gateways === undefined ? (vs.spec?.http ?? []) : []));

  it('each call edge has one route, by caller label, on the gRPC port', () => {
    const routes = meshRoutes();
    expect(routes).to.have.length(meshEdges.length);
    for (const edge of meshEdges) {
      const route = routes.find((candidate) => candidate.match?.[0]?.sourceLabels?.[appLabel] === edge.caller && candidate.route?.[0]?.destination.host === serviceHost(edge.callee));
      expect(route, `${edge.caller} -> ${edge.callee}`).to.not.equal(undefined);
      expect(route?.match?.[0]?.port).to.equal(clusterGrpcPort);
    }
  });

  it('service -> service routes carry the deadline and retries of resilience.ts', () => {
    // A caller services.ts does not declare, with a policy of its own, next to the committed routes.
    const serviceToService: CallEdge = { ...callPolicy(edgeCaller, 'catalog'), caller: 'newcomer', callee: 'catalog' };
    const generated = virtualService({ callee: catalog, breaker: serviceToService, edges: [serviceToService] }).spec?.http ?? [];
    const committed = meshRoutes().filter((route) => route.match?.[0]?.sourceLabels?.[appLabel] !== edgeCaller);
    for (const route of [...generated, ...committed]) {
      const [caller = '', callee = ''] = (route.name ?? '').split('-to-');
      const edge = caller === serviceToService.caller ? serviceToService : callPolicy(caller, callee);
      expect(route.timeout).to.equal(durationFromMs(edge.deadlineMs));
      expect(route.retries).to.deep.equal({ attempts: edge.retries.attempts, perTryTimeout: durationFromMs(edge.retries.perTryTimeoutMs), retryOn: retryOn(edge) });
    }
    expect(generated[0]?.retries?.retryOn).to.equal('unavailable,resource-exhausted,connect-failure,refused-stream');
  });

  it('routes from the edge neither retry nor cut a deadline the edge granted (its Envoy applies the policy)', () => {
    for (const route of meshRoutes().filter((candidate) => candidate.match?.[0]?.sourceLabels?.[appLabel] === edgeCaller)) {
      expect(route.retries).to.deep.equal({ attempts: 0 });
      expect(route.timeout).to.equal(durationFromMs(edgeDeadlines.grpcTimeoutHeaderMaxMs));
    }
  });

  it('refuses edges to unknown services and edges into one service that disagree on its breaker', () => {
    const edge: CallEdge = { ...callPolicy(edgeCaller, 'catalog'), caller: edgeCaller, callee: 'catalog' };
    expect(() => calleePolicies([{ ...edge, callee: 'warehouse' }], meshServices)).to.throw(/warehouse/);
    expect(() => calleePolicies([{ ...edge, caller: 'nobody' }], meshServices)).to.throw(/nobody/);
    const order = { ...catalog, name: 'order', grpcServices: [] };
    const stricter = { ...edge, caller: 'order', circuitBreaker: { ...edge.circuitBreaker, consecutiveFailures: 2 } };
    expect(() => calleePolicies([edge, stricter], [...meshServices, order])).to.throw(/disagree/);
  });

  it('makes each external system a ServiceEntry with a DestinationRule carrying its caller\'s breaker, TLS to the real host', () => {
    for (const system of externalSystems) {
      const edge = callEdges.find((candidate) => candidate.callee === system.name) as CallEdge;
      const entry = resources.find((resource) => resource.kind === 'ServiceEntry' && resource.metadata.name === system.name) as unknown as { spec: { hosts: string[]; location: string; ports: { number: number; targetPort: number }[] } };
      expect(entry.spec).to.deep.include({ hosts: [system.host], location: 'MESH_EXTERNAL' });
      expect(entry.spec.ports).to.deep.equal([{ number: 80, name: 'http', protocol: 'HTTP', targetPort: system.port }]);
      const rule = resources.find((resource) => resource.kind === 'DestinationRule' && (resource as IDestinationRule).spec?.host === system.host) as IDestinationRule;
      expect(rule.spec?.trafficPolicy?.outlierDetection).to.deep.equal({
        consecutive5xxErrors: edge.circuitBreaker.consecutiveFailures,
        consecutiveGatewayErrors: edge.circuitBreaker.consecutiveFailures,
        interval: durationFromMs(edge.circuitBreaker.intervalMs),
        baseEjectionTime: durationFromMs(edge.circuitBreaker.baseEjectionMs),
        maxEjectionPercent: edge.circuitBreaker.maxEjectionPercent,
      });
      expect(rule.spec?.trafficPolicy?.portLevelSettings?.[0]?.tls).to.deep.equal({ mode: 'SIMPLE', sni: system.host });
    }
  });

  it('requires mutual TLS for the whole namespace, but on the token service\'s HTTP port (istiod fetches its JWKS)', () => {
    const policies = ofKind<{ spec: { selector?: unknown; mtls: { mode: string }; portLevelMtls?: Record<string, { mode: string }> } }>('PeerAuthentication');
    expect(policies.map((policy) => [policy.metadata.namespace, policy.spec.selector, policy.spec.mtls.mode, policy.spec.portLevelMtls])).to.deep.equal([
      [clusterNamespace, undefined, 'STRICT', undefined],
      [clusterNamespace, { matchLabels: { app: authName } }, 'STRICT', { [String(authPort)]: { mode: 'PERMISSIVE' } }],
    ]);
  });

  it('sends the token service\'s paths from the ingress gateway to it, everything else to the transcoding edge', () => {
    const [gateway] = ofKind<{ spec: { selector: Record<string, string> } }>('Gateway');
    expect(gateway?.spec.selector).to.deep.equal({ istio: 'ingressgateway' });
    const ingress = ofKind<IVirtualService>('VirtualService').filter((vs) => vs.spec?.gateways !== undefined);
    expect(ingress.flatMap((vs) => vs.spec?.gateways ?? [])).to.deep.equal([`${clusterNamespace}/${gateway?.metadata.name ?? ''}`]);
    const destinations = ingress.flatMap((vs) => (vs.spec?.http ?? []).flatMap((route) => route.route ?? []).map((route) => route.destination));
    expect(destinations).to.deep.equal([{ host: serviceHost(authName), port: { number: authPort } }, { host: serviceHost(edgeCaller), port: { number: edgePort } }]);
    const [toAuth] = ingress.flatMap((vs) => vs.spec?.http ?? []);
    expect(toAuth?.match?.map((match) => match.uri?.prefix)).to.deep.equal(authPathPrefixes);
  });
});
