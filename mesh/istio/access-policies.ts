import { AuthorizationPolicy, RequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { appLabel, clusterNamespace } from '../../manifests/generator/cluster.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import type { MethodAccess } from '../envoy/method-access.js';
import { apiAudience, clusterAuth } from '../policy/access.js';
import type { CallEdge } from '../policy/resilience.js';
import { authPort, clusterAdminPort, type MeshService } from '../policy/services.js';

type AuthorizationRule = NonNullable<NonNullable<AuthorizationPolicy['spec']>['rules']>[number];

/** The edge's sidecar checks every token the ingress passes on: issuer, audience, signature by the token service's JWKS. */
export function edgeRequestAuthentication(): RequestAuthentication {
  return new RequestAuthentication({
    metadata: { name: `${edgeCaller}-tokens`, namespace: clusterNamespace },
    spec: {
      selector: { matchLabels: { [appLabel]: edgeCaller } },
      jwtRules: [{ issuer: clusterAuth.issuer, jwksUri: `http://${clusterAuth.host}:${String(authPort)}${clusterAuth.jwksPath}`, audiences: [apiAudience], forwardOriginalToken: true }],
    },
  });
}

/**
 * Who may call what through the edge, from the access declared in the protos: each REST binding
 * (a path variable becomes a `*` suffix) and the gRPC path of each method admits anyone when the
 * method is open, else a verified token naming one of its roles. Anything else is refused, and so is
 * a request with a token that does not verify (RequestAuthentication).
 */
export function edgeAuthorizationPolicy(access: readonly MethodAccess[]): AuthorizationPolicy {
  const rules: AuthorizationRule[] = [{ to: [{ operation: { methods: ['GET'], paths: ['/healthz'] } }] }];
  for (const method of access) {
    const operations = [
      ...method.rest.map(({ httpMethod, pathTemplate }) => ({ operation: { methods: [httpMethod], paths: [istioPath(pathTemplate)] } })),
      { operation: { methods: ['POST'], paths: [method.grpcPath] } },
    ];
    rules.push(method.open ? { to: operations } : { to: operations, when: [{ key: 'request.auth.claims[roles]', values: method.roles }] });
  }
  return new AuthorizationPolicy({
    metadata: { name: `${edgeCaller}-access`, namespace: clusterNamespace },
    spec: { selector: { matchLabels: { [appLabel]: edgeCaller } }, action: 'ALLOW', rules },
  });
}

/**
 * A service admits gRPC calls only from the callers its call edges name, by their mTLS identity
 * (the workload's service account); its admin port stays open for probes and metrics.
 */
export function calleeAuthorizationPolicy(callee: MeshService, edges: readonly CallEdge[]): AuthorizationPolicy {
  const callers = [...new Set(edges.filter((edge) => edge.callee === callee.name).map((edge) => edge.caller))].sort();
  return new AuthorizationPolicy({
    metadata: { name: `${callee.name}-callers`, namespace: clusterNamespace },
    spec: {
      selector: { matchLabels: { [appLabel]: callee.name } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { principals: callers.map((caller) => `cluster.local/ns/${clusterNamespace}/sa/${caller}`) } }] },
        { to: [{ operation: { ports: [String(clusterAdminPort)] } }] },
      ],
    },
  });
}

/** /books/{id} -> /books/*: Istio matches a path exactly or by a `*` prefix or suffix only. */
function istioPath(template: string): string {
  const variable = template.indexOf('{');
  if (variable === -1) return template;
  if (template.indexOf('}') !== template.length - 1 || template.lastIndexOf('{') !== variable) {
    throw new Error(`${template}: Istio paths take one * at the end only; a variable must be the last segment`);
  }
  return `${template.slice(0, variable)}*`;
}
