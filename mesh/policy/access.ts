/**
 * The shop API as an OAuth 2.0 resource server: the audience every access token names. Who may
 * call which method is declared next to the methods in proto/ (option (bookstore.access.v1.access)).
 */
export const apiAudience = 'https://api.bookstore.example';

/** The token service in a cluster: its issuer (what tokens name) and where the edges fetch its keys. */
export const clusterAuth = {
  issuer: 'http://auth.bookstore.svc.cluster.local:8090',
  host: 'auth.bookstore.svc.cluster.local',
  jwksPath: '/jwks',
};

/**
 * What the token service answers at the shop's front door (discovery, JWKS, the token and device
 * endpoints, the sign-in page), by path prefix: the Envoy edge and the Istio ingress route these to
 * it, open to anyone, rate limited like every other call.
 */
export const authPathPrefixes: readonly string[] = ['/.well-known/openid-configuration', '/jwks', '/token', '/device', '/sign-in/'];
