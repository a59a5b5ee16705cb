import { expect } from 'chai';
import { edgeMetricsPath, edgeMetricsPort } from '../envoy/bootstrap.js';
import { edgeLimits } from '../envoy/edge-hardening.js';
import { podsName } from '../envoy/edge-plan.js';
import { authPathPrefixes, clusterAuth } from '../policy/access.js';
import { meshServices } from '../policy/services.js';
import { committedEdgeConfig } from './support/envoy-config.js';
import { committedBaseObjects } from './support/manifest-tree.js';
import { readYaml } from './support/repo-files.js';
import { envoyBootstrapPath } from '../envoy/render.js';

type Tree = Record<string, unknown>;
const bootstrap = readYaml(envoyBootstrapPath)[0] as Tree;
const json = (value: unknown): string => JSON.stringify(value);
const listeners = (bootstrap['static_resources'] as { listeners: Tree[] }).listeners;
const managerOf = (listener: Tree | undefined): Tree =>
  ((listener?.['filter_chains'] as { filters: { typed_config: Tree }[] }[] | undefined)?.[0]?.filters[0]?.typed_config ?? {});

describe('the Envoy edge as an edge proxy (Envoy edge-proxy guide)', () => {
  const { routes, authRoutes, clusters } = committedEdgeConfig();
  const edge = managerOf(listeners.find((listener) => listener['name'] === 'edge'));

  it('rewrites Host to the callee, so a sidecar routes the call by its own name (and with mTLS)', () => {
    expect(routes).to.have.length.greaterThan(0);
    for (const route of routes) {
      expect((route.route as Tree)['host_rewrite_literal'], route.match.prefix).to.equal(route.route.cluster);
      expect(meshServices.map((service) => service.name)).to.include(route.route.cluster);
    }
    expect(authRoutes.map((route) => route.match.prefix)).to.deep.equal(authPathPrefixes);
    for (const route of authRoutes) expect((route.route as Tree)['host_rewrite_literal'], route.match.prefix).to.equal(clusterAuth.host);
  });

  it('balances over every pod of a service: each cluster resolves a headless Service, not the ClusterIP', () => {
    const headless = committedBaseObjects().filter((object) => object.kind === 'Service' && (object.spec as Tree)['clusterIP'] === 'None');
    for (const cluster of clusters) {
      const address = cluster.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address.address;
      expect(address, cluster.name).to.equal(podsName(cluster.name));
      const service = headless.find((candidate) => candidate.metadata.name === address);
      expect(JSON.stringify(service?.spec), `${cluster.name}: a headless Service ${String(address)} selecting its pods`).to.include(`"selector":{"app":"${cluster.name}"}`);
    }
  });

  it('takes the client address from the connection and refuses headers with underscores', () => {
    expect(edge).to.include({ use_remote_address: true, normalize_path: true, merge_slashes: true });
    expect(edge['common_http_protocol_options']).to.include({ headers_with_underscores_action: 'REJECT_REQUEST' });
  });

  it('bounds buffers, streams and waits for headers', () => {
    expect(listeners.find((listener) => listener['name'] === 'edge')).to.include({ per_connection_buffer_limit_bytes: edgeLimits.bufferBytes });
    for (const cluster of clusters) expect(cluster, cluster.name).to.include({ per_connection_buffer_limit_bytes: edgeLimits.bufferBytes });
    expect(edge['http2_protocol_options']).to.include({ max_concurrent_streams: edgeLimits.http2.maxConcurrentStreams });
    expect(edge).to.include.keys('stream_idle_timeout', 'request_headers_timeout');
    expect(edge['common_http_protocol_options']).to.include.keys('idle_timeout');
  });

  it('sheds load with an overload manager on the heap and a global connection limit', () => {
    const monitors = json(bootstrap['overload_manager']);
    expect(monitors).to.contain('envoy.resource_monitors.fixed_heap').and.contain('envoy.resource_monitors.global_downstream_max_connections');
    expect(monitors).to.contain('envoy.overload_actions.stop_accepting_requests');
  });

  it('logs the request id and the gRPC status of every request as JSON', () => {
    const log = json(edge['access_log']);
    expect(log).to.contain('%REQ(X-REQUEST-ID)%').and.contain('%GRPC_STATUS%').and.contain('json_format');
  });

  it('serves Prometheus stats, and only them, outside the pod; the admin interface stays on loopback', () => {
    expect(json(bootstrap['admin'])).to.contain('127.0.0.1');
    const metrics = listeners.find((listener) => listener['name'] === 'metrics');
    expect(json(metrics?.['address'])).to.contain(String(edgeMetricsPort));
    const metricRoutes = json((managerOf(metrics)['route_config'] as Tree)['virtual_hosts']);
    expect(metricRoutes).to.contain(`"path":"${edgeMetricsPath}"`).and.not.contain('prefix');
  });
});
