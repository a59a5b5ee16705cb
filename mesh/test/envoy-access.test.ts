import { expect } from 'chai';
import { edgeRateLimit } from '../policy/rate-limits.js';
import { descriptorServices, readDescriptorSet } from '../envoy/descriptor-services.js';
import { methodAccess } from '../envoy/method-access.js';
import { ingressRateLimit, ingressRateLimitConfig } from '../istio/ingress.js';
import { envoyApi } from './support/envoy-api.js';
import { protoJsonProblems } from './support/proto-json.js';
import { committedEdgeConfig } from './support/envoy-config.js';

interface AccessFilterConfigs {
  rbac: { rules: { action: string; policies: Record<string, { permissions: unknown[]; principals: unknown[] }> } };
  jwt: { providers: Record<string, { audiences: string[] }>; rules: { match: { path: string }; requires: unknown }[] };
  rateLimit: {
    token_bucket: TokenBucket;
    rate_limits: { actions: Record<string, { descriptor_key?: string; metadata_key?: { key: string; path: { key: string }[] }; skip_if_absent?: boolean; default_value?: string }>[] }[];
    descriptors: { entries: { key: string; value?: string }[]; token_bucket: TokenBucket }[];
  };
}
interface TokenBucket {
  max_tokens: number;
  tokens_per_fill: number;
  fill_interval: string;
}

describe('the Envoy edge enforces the access declared in the protos', () => {
  const { httpFilters } = committedEdgeConfig();
  const configOf = (name: string): unknown => httpFilters.find((filter) => filter.name === name)?.typed_config;
  const filters = {
    rbac: configOf('envoy.filters.http.rbac'),
    jwt: configOf('envoy.filters.http.jwt_authn'),
    rateLimit: configOf('envoy.filters.http.local_ratelimit'),
  } as AccessFilterConfigs;
  const descriptorSet = readDescriptorSet();
  const declared = methodAccess(descriptorSet, descriptorServices(descriptorSet).withHttpRules);

  it('runs jwt_authn, rate limit (it needs the verified subject) and RBAC after the transcoder (gRPC paths) and before the router', () => {
    const names = httpFilters.map((filter) => filter.name);
    const transcoder = names.indexOf('envoy.filters.http.grpc_json_transcoder');
    expect(names.slice(transcoder + 1)).to.deep.equal(['envoy.filters.http.jwt_authn', 'envoy.filters.http.local_ratelimit', 'envoy.filters.http.rbac', 'envoy.filters.http.router']);
  });

  it('requires a token for every method not declared open, and for no open one', () => {
    const required = filters.jwt.rules.map((rule) => rule.match.path).sort();
    expect(required).to.deep.equal(declared.filter((method) => !method.open).map((method) => method.grpcPath).sort());
    expect(declared.filter((method) => method.open).map((method) => method.grpcPath)).to.include.members(['/bookstore.catalog.v1.CatalogService/ListBooks', '/bookstore.catalog.v1.CatalogService/GetBook']);
  });

  it('admits each method to exactly the roles declared next to it (RBAC, deny by default)', () => {
    expect(filters.rbac.rules.action).to.equal('ALLOW');
    expect(Object.keys(filters.rbac.rules.policies).sort()).to.deep.equal([...declared.map((method) => method.grpcPath), 'token-service'].sort());
    const rolesOf = (path: string): string[] =>
      (filters.rbac.rules.policies[path]?.principals ?? []).map((principal) => JSON.stringify(principal).match(/"exact":"([a-z-]+)"/)?.[1] ?? 'anyone');
    expect(rolesOf('/bookstore.coupon.v1.CouponService/IssueCoupon')).to.deep.equal(['coupon-manager']);
    expect(rolesOf('/bookstore.delivery.v1.DeliveryService/UpdateDeliveryStatus')).to.deep.equal(['courier']);
    expect(rolesOf('/bookstore.catalog.v1.CatalogService/ListBooks')).to.deep.equal(['anyone']);
    for (const method of declared.filter((candidate) => !candidate.open)) expect(rolesOf(method.grpcPath), method.grpcPath).to.deep.equal(method.roles);
  });

  const policyBucket = { max_tokens: edgeRateLimit.burst, tokens_per_fill: edgeRateLimit.refillPerSecond, fill_interval: '1s' };

  it('limits with the numbers of mesh/policy/rate-limits.ts', () => {
    expect(filters.rateLimit.token_bucket).to.deep.equal(policyBucket);
    for (const descriptor of filters.rateLimit.descriptors) expect(descriptor.token_bucket).to.deep.equal(policyBucket);
  });

  it('keeps a bucket per caller: the subject jwt_authn verified (metadata a client cannot set), else the client address', () => {
    const [bySubject, byAddress] = filters.rateLimit.rate_limits.map((limit) => limit.actions);
    const subjectPath = { key: 'envoy.filters.http.jwt_authn', path: [{ key: 'jwt_payload' }, { key: 'sub' }] };
    expect(bySubject).to.deep.equal([{ metadata: { descriptor_key: 'subject', metadata_key: subjectPath, source: 'DYNAMIC', skip_if_absent: true } }]);
    expect(byAddress).to.deep.equal([{ metadata: { descriptor_key: 'caller', metadata_key: subjectPath, source: 'DYNAMIC', default_value: 'anonymous' } }, { remote_address: {} }]);
    // Wildcard entries (no value): one bucket per distinct value.
    expect(filters.rateLimit.descriptors.map((descriptor) => descriptor.entries)).to.deep.equal([[{ key: 'subject' }], [{ key: 'caller', value: 'anonymous' }, { key: 'remote_address' }]]);
  });

  it('the ingress gateway\'s EnvoyFilter limits per client address with the same numbers, and decodes strictly as LocalRateLimit', () => {
    const config = ingressRateLimitConfig();
    const { '@type': typeUrl, ...fields } = config;
    expect(typeUrl).to.equal('type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit');
    expect(protoJsonProblems(envoyApi().lookupType('envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit'), fields)).to.deep.equal([]);
    expect(config['descriptors']).to.deep.equal([{ entries: [{ key: 'remote_address' }], token_bucket: policyBucket }]);
    const [filter] = ingressRateLimit().spec?.configPatches ?? [];
    expect(filter?.patch?.value).to.deep.equal({ name: 'envoy.filters.http.local_ratelimit', typed_config: config });
  });
});
