import { expect } from 'chai';
import type { IAuthorizationPolicy, IRequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { istioResourcesDir } from '../istio/render.js';
import { apiAudience } from '../policy/access.js';
import { callEdges } from '../policy/resilience.js';
import { meshServices } from '../policy/services.js';
import { asKubernetesObjects, type KubernetesObject } from './support/kubernetes-object.js';
import { readYaml } from './support/repo-files.js';

const objectsOf = (file: string): KubernetesObject[] => asKubernetesObjects(readYaml(`${istioResourcesDir}/${file}`), file);

describe('the Istio access resources follow the protos\' access declarations and the call edges', () => {
  const [tokens, edgeAccess] = objectsOf('edge-access.yaml') as [KubernetesObject & IRequestAuthentication, KubernetesObject & IAuthorizationPolicy];

  it('verifies tokens at the edge against the token service for the shop\'s audience', () => {
    expect(tokens.kind).to.equal('RequestAuthentication');
    expect(tokens.spec?.jwtRules?.[0]?.audiences).to.deep.equal([apiAudience]);
  });

  it('admits each REST binding to the roles declared for its method, and keeps the catalogue open', () => {
    const rules = edgeAccess.spec?.rules ?? [];
    const ruleFor = (method: string, path: string) => rules.find((rule) => (rule.to ?? []).some((to) => to.operation?.methods?.includes(method) && to.operation.paths?.includes(path)));
    expect(ruleFor('POST', '/coupons')?.when).to.deep.equal([{ key: 'request.auth.claims[roles]', values: ['coupon-manager'] }]);
    expect(ruleFor('PATCH', '/deliveries/*')?.when).to.deep.equal([{ key: 'request.auth.claims[roles]', values: ['courier'] }]);
    expect(ruleFor('GET', '/books')?.when).to.equal(undefined);
    expect(ruleFor('POST', '/bookstore.catalog.v1.CatalogService/CreateBook')?.when).to.deep.equal([{ key: 'request.auth.claims[roles]', values: ['book-manager'] }]);
  });

  it('lets each service be called only by the callers of its call edges, by mTLS principal', () => {
    for (const service of meshServices) {
      const policy = objectsOf(`${service.name}.yaml`).find((object) => object.kind === 'AuthorizationPolicy') as (KubernetesObject & IAuthorizationPolicy) | undefined;
      const principals = policy?.spec?.rules?.[0]?.from?.[0]?.source?.principals ?? [];
      const callers = [...new Set(callEdges.filter((edge) => edge.callee === service.name).map((edge) => edge.caller))].sort();
      expect(principals, service.name).to.deep.equal(callers.map((caller) => `cluster.local/ns/bookstore/sa/${caller}`));
    }
  });
});
