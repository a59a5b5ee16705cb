import { status } from '@grpc/grpc-js';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { TranscodeError } from '../transcode/transcode-error.js';

export interface TokenVerifierConfig {
  /** The token service's issuer: every token's `iss`. */
  issuer: string;
  /** Where its JWKS is published. */
  jwksUrl: string;
  /** Every token's `aud`: the shop's API. */
  audience: string;
  /** How long fetched keys are trusted before they are fetched again. */
  jwksCacheMaxAgeMs: number;
  /** After a fetch, how long an unknown `kid` waits before it may cause another fetch. */
  jwksCooldownMs: number;
}

/** Who called, from a verified access token. */
export interface Caller {
  subject: string;
  roles: ReadonlySet<string>;
}

/** RFC 6750 section 3: what a client is told when its token is refused. */
const realm = 'bookstore';
/** Longer than any token the token service issues; a longer header is refused before parsing. */
const maxTokenLength = 4096;
const algorithms = ['ES256'];
/** Tokens remembered as verified; past it the oldest is forgotten. */
const maxVerifiedTokens = 10_000;

/**
 * Verifies access tokens with jose against the token service's JWKS, fetched and cached by jose
 * (fetched again on an unknown key id, so rotated keys are picked up). Refusals are
 * UNAUTHENTICATED (401) with a WWW-Authenticate header.
 *
 * A token that verified is remembered until it expires, but no longer than the keys themselves
 * are trusted (jwksCacheMaxAgeMs), as Envoy's jwt_authn caches verified tokens: a client's next
 * requests skip the signature check, which cost more than the rest of the edge's work.
 */
export class TokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new Map<string, { caller: Caller; until: number }>();

  constructor(private readonly config: TokenVerifierConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), {
      cacheMaxAge: config.jwksCacheMaxAgeMs,
      cooldownDuration: config.jwksCooldownMs,
      timeoutDuration: 2_000,
    });
  }

  /** The caller of a request with this Authorization header; throws a 401 TranscodeError otherwise. */
  async verify(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization === '') throw unauthenticated('this method needs an access token (Authorization: Bearer <token>)');
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
    if (match === null) throw unauthenticated('the Authorization header is not "Bearer <token>"', 'invalid_request');
    const token = match[1] ?? '';
    if (token.length > maxTokenLength) throw unauthenticated(`the token is longer than ${maxTokenLength} characters`, 'invalid_token');
    const remembered = this.verified.get(token);
    if (remembered !== undefined) {
      if (Date.now() < remembered.until) return remembered.caller;
      this.verified.delete(token);
    }
    const payload = await this.payloadOf(token);
    const roles = payload.roles;
    if (!Array.isArray(roles) || !roles.every((role): role is string => typeof role === 'string')) {
      throw unauthenticated('the token has no roles claim', 'invalid_token');
    }
    const caller = { subject: payload.sub ?? '', roles: new Set(roles) };
    this.remember(token, caller, (payload.exp ?? 0) * 1000);
    return caller;
  }

  private remember(token: string, caller: Caller, expiresAt: number): void {
    if (this.config.jwksCacheMaxAgeMs === 0) return;
    if (this.verified.size >= maxVerifiedTokens) this.verified.delete(this.verified.keys().next().value ?? '');
    this.verified.set(token, { caller, until: Math.min(expiresAt, Date.now() + this.config.jwksCacheMaxAgeMs) });
  }

  private async payloadOf(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      return payload;
    } catch (error) {
      throw refusalOf(error);
    }
  }
}

function refusalOf(error: unknown): TranscodeError {
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    return new TranscodeError(status.UNAVAILABLE, 'the token service cannot be reached to verify the token');
  }
  if (error instanceof errors.JWTExpired) return unauthenticated('the token has expired', 'invalid_token');
  if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(`the token's "${error.claim}" claim is not valid here: ${error.reason}`, 'invalid_token');
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated('the token is not signed with an accepted algorithm', 'invalid_token');
  if (error instanceof errors.JWKSNoMatchingKey) return unauthenticated('the token is signed with a key the token service does not publish', 'invalid_token');
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('the token\'s signature does not verify', 'invalid_token');
  return unauthenticated('the token is malformed', 'invalid_token');
}

/** 401 with `WWW-Authenticate: Bearer realm="bookstore"[, error=…, error_description=…]`. */
export function unauthenticated(message: string, error?: 'invalid_request' | 'invalid_token'): TranscodeError {
  const challenge = error === undefined ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="${error}", error_description="${message.replaceAll('"', "'")}"`;
  return new TranscodeError(status.UNAUTHENTICATED, message, 401, undefined, { 'www-authenticate': challenge });
}

/** 403 for a valid token that may not do this. */
export function permissionDenied(message: string): TranscodeError {
  return new TranscodeError(status.PERMISSION_DENIED, message, 403, undefined, { 'www-authenticate': `Bearer realm="${realm}", error="insufficient_scope"` });
}
