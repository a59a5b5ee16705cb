import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { customerRole, roleClaim, staffRoles } from './roles.js';
import { signingAlgorithm, type SigningKey } from './signing-keys.js';
import type { StaffClient } from './staff-clients.js';
import { escapeHtml, page } from './pages.js';

/** The public client a person signs in with, from a terminal or a browser (device authorization grant). */
export const customerClientId = 'shop';
/** The one scope of the shop's API (the resource server). */
export const shopScope = 'shop';
export const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

export interface ProviderOptions {
  issuer: string;
  /** The API's resource indicator: the `aud` of every access token. */
  audience: string;
  keys: readonly SigningKey[];
  staffClients: readonly StaffClient[];
  accessTokenTtlSeconds: number;
  cookieKeys: readonly string[];
}

/**
 * The OAuth 2.0 / OpenID Connect provider (panva's certified oidc-provider): discovery, JWKS,
 * the client credentials grant for the staff systems and the device authorization grant for
 * customers, each giving an RFC 9068 JWT access token for the shop's API with a `roles` claim.
 */
export function createProvider(options: ProviderOptions): Provider {
  const staffClientIds = new Set(staffRoles.map(roleClaim));
  const configuration: Configuration = {
    clients: [
      ...options.staffClients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
      { client_id: customerClientId, token_endpoint_auth_method: 'none', grant_types: [deviceCodeGrant], response_types: [], redirect_uris: [] },
    ],
    jwks: { keys: options.keys.map(({ created: _created, ...jwk }) => jwk) },
    scopes: ['openid', shopScope],
    claims: { openid: ['sub'] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true, userCodeInputSource: enterCode, userCodeConfirmSource: confirmCode, successSource: deviceSignedIn },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== options.audience) throw new errors.InvalidTarget();
          return { scope: shopScope, audience: options.audience, accessTokenTTL: options.accessTokenTtlSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: signingAlgorithm } } };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        // A staff client is named after its role.
        return { roles: token.clientId !== undefined && staffClientIds.has(token.clientId) ? [token.clientId] : [] };
      }
      return { roles: [customerRole] };
    },
    interactions: { url: (_ctx, interaction) => `/sign-in/${interaction.uid}` },
    cookies: { keys: [...options.cookieKeys] },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      ClientCredentials: options.accessTokenTtlSeconds,
      DeviceCode: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      IdToken: 600,
    },
    clientDefaults: { id_token_signed_response_alg: signingAlgorithm },
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = true;
  return provider;
}

function enterCode(ctx: KoaContextWithOIDC, form: string, _out: unknown, error: unknown): void {
  const problem = error === undefined ? '' : '<p class="error" role="alert">That code is not valid (mistyped or expired). Try again.</p>';
  ctx.body = page('Sign in to the bookstore', `${problem}<p>Enter the code your terminal or app shows.</p>${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

function confirmCode(ctx: KoaContextWithOIDC, form: string, _client: unknown, _device: unknown, userCode: string): void {
  ctx.body = page('Sign in to the bookstore', `<p>Your terminal or app shows <strong>${escapeHtml(userCode)}</strong>? Then continue to sign in.</p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button>`);
}

function deviceSignedIn(ctx: KoaContextWithOIDC): void {
  ctx.body = page('Signed in', '<p>You are signed in. Go back to your terminal or app: it has your token now.</p>');
}
