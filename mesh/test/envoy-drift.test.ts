import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { edgeCaller, podsName } from '../envoy/edge-plan.js';
import { durationFromMs, retryOn } from '../envoy/policy-units.js';
import { readDescriptorSet, descriptorServices } from '../envoy/descriptor-services.js';
import { edgeDeadlines, grpcJsonTranscoderOptions } from '../../services/edge/src/transcoding-options.js';
import { descriptorSetPath, edgeMetricsPort } from '../envoy/bootstrap.js';
import { callPolicy } from '../policy/resilience.js';
import { clusterGrpcPort, edgePort, meshServices } from '../policy/services.js';
import { shelfDescriptorSet } from '../../services/edge/test/support/shelf-protos.js';
import { responseBodyRules, servicesWithHttpRules } from './support/descriptor-http-rules.js';
import { committedEdgeConfig } from './support/envoy-config.js';

describe('the Envoy edge bootstrap follows the protos, services.ts and resilience.ts', () => {
  const { bootstrap, routes, clusters, httpFilters } = committedEdgeConfig();
  const transcoder = httpFilters.find((filter) => filter.name === 'envoy.filters.http.grpc_json_transcoder')?.typed_config ?? {};
  const withHttpRules = servicesWithHttpRules(readDescriptorSet());
  const served = meshServices.flatMap((service) => service.grpcServices.filter((name) => withHttpRules.includes(name)).map((grpcService) => ({ service, grpcService })));

  it('finds the services with HTTP rules in the descriptor set the way the generator does', () => {
    expect(descriptorServices(readDescriptorSet()).withHttpRules).to.deep.equal(withHttpRules);
    expect(withHttpRules).to.include('bookstore.catalog.v1.CatalogService');
  });

  it('no HTTP rule sets response_body on a field that is not a google.api.HttpBody (Envoy would not start)', () => {
    expect(responseBodyRules(readDescriptorSet()).filter((rule) => rule.fieldType !== 'google.api.HttpBody')).to.deep.equal([]);
  });

  it('that check finds a response_body, in additional_bindings too (edge.test.v1 shelf protos)', () => {
    const set = shelfDescriptorSet([
      { name: 'GetBook', input: 'GetBookRequest', output: 'GetBookResponse', http: { get: '/a/{id}', additional_bindings: [{ get: '/b/{id}', response_body: 'book' }] } },
    ]);
    expect(responseBodyRules(set)).to.deep.equal([{ method: 'edge.test.v1.ShelfService.GetBook', responseBody: 'book', fieldType: 'edge.test.v1.Book' }]);
  });

  it('the descriptor set Envoy transcodes with has the google.rpc error detail types; one without them is refused', () => {
    expect(() => descriptorServices(readDescriptorSet())).not.to.throw();
    const { file } = fromBinary(FileDescriptorSetSchema, readDescriptorSet());
    const withoutGoogleRpc = toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: file.filter((proto) => !proto.name.startsWith('google/rpc/')) }));
    expect(() => descriptorServices(withoutGoogleRpc)).to.throw(/google\.rpc\.Status, google\.rpc\.ErrorInfo, google\.rpc\.BadRequest/);
  });

  it('every gRPC service of services.ts exists in the descriptor set', () => {
    const known = descriptorServices(readDescriptorSet()).all;
    for (const service of meshServices) expect(known, service.name).to.include.members(service.grpcServices);
  });

  it('transcodes exactly the services with HTTP rules that a service of services.ts serves', () => {
    expect([...(transcoder['services'] as string[])].sort()).to.deep.equal(served.map((entry) => entry.grpcService).sort());
  });

  it('routes each of them by its gRPC prefix to the cluster of the service serving it', () => {
    for (const { service, grpcService } of served) {
      const route = routes.find((candidate) => candidate.match.prefix === `/${grpcService}/`);
      expect(route, grpcService).to.not.equal(undefined);
      expect(route?.route.cluster).to.equal(service.name);
    }
    expect(routes).to.have.length(served.length);
  });

  it('every route leads to a cluster, and every cluster is a service of services.ts on the DNS name of all its pods and its gRPC port', () => {
    const clusterNames = clusters.map((cluster) => cluster.name);
    for (const route of routes) expect(clusterNames).to.include(route.route.cluster);
    for (const cluster of clusters) {
      expect(meshServices.map((service) => service.name)).to.include(cluster.name);
      expect(cluster.type).to.equal('STRICT_DNS');
      const addresses = cluster.load_assignment.endpoints.flatMap((locality) => locality.lb_endpoints.map((entry) => entry.endpoint.address.socket_address));
      expect(addresses).to.deep.equal([{ address: podsName(cluster.name), port_value: clusterGrpcPort }]);
      expect(cluster.health_checks.map((check) => check.grpc_health_check)).to.deep.equal([{}]);
    }
  });

  it('deadlines and retries equal the edge -> service policies; a client deadline is honoured up to the edge ceiling', () => {
    for (const route of routes) {
      const policy = callPolicy(edgeCaller, route.route.cluster);
      expect(route.route.max_stream_duration).to.deep.equal({
        max_stream_duration: durationFromMs(policy.deadlineMs),
        grpc_timeout_header_max: durationFromMs(edgeDeadlines.grpcTimeoutHeaderMaxMs),
      });
      expect(route.route.retry_policy.num_retries).to.equal(policy.retries.attempts);
      expect(route.route.retry_policy.per_try_timeout).to.equal(durationFromMs(policy.retries.perTryTimeoutMs));
      expect(route.route.retry_policy.retry_on.split(',')).to.include.members(policy.retries.retryOn);
      expect(route.route.retry_policy.retry_on).to.equal(retryOn(policy));
    }
  });

  it('outlier detection and circuit breakers equal the edge -> service policies', () => {
    for (const cluster of clusters) {
      const { circuitBreaker, connectionPool } = callPolicy(edgeCaller, cluster.name);
      expect(cluster.outlier_detection).to.deep.include({
        consecutive_5xx: circuitBreaker.consecutiveFailures,
        consecutive_gateway_failure: circuitBreaker.consecutiveFailures,
        interval: durationFromMs(circuitBreaker.intervalMs),
        base_ejection_time: durationFromMs(circuitBreaker.baseEjectionMs),
        max_ejection_percent: circuitBreaker.maxEjectionPercent,
      });
      expect(cluster.circuit_breakers.thresholds).to.deep.equal([
        { priority: 'DEFAULT', max_requests: connectionPool.maxRequests, max_pending_requests: connectionPool.maxPendingRequests },
      ]);
    }
  });

  it('transcodes with the descriptor set and exactly the local edge options (services/edge)', () => {
    expect(transcoder).to.deep.equal({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder',
      proto_descriptor: descriptorSetPath,
      services: served.map((entry) => entry.grpcService),
      ...grpcJsonTranscoderOptions,
    });
    expect(transcoder['convert_grpc_status']).to.equal(true);
    expect(httpFilters.map((filter) => filter.name).at(-1)).to.equal('envoy.filters.http.router');
  });

  it('listens on the edge port and the metrics port and keeps the admin interface on loopback', () => {
    expect(bootstrap.static_resources.listeners.map((listener) => listener.address.socket_address)).to.deep.equal([
      { address: '0.0.0.0', port_value: edgePort },
      { address: '0.0.0.0', port_value: edgeMetricsPort },
    ]);
    expect(bootstrap.admin.address.socket_address.address).to.equal('127.0.0.1');
  });
});
