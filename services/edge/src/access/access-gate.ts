import type { IncomingMessage } from 'node:http';
import type { Metadata } from '@grpc/grpc-js';
import { fromJson, toJson, type DescField, type DescMethod, type Message, type Registry } from '@bufbuild/protobuf';
import type { RateLimit } from '../../../../mesh/policy/rate-limits.js';
import type { UnaryOutcome } from '../backend/grpc-backends.js';
import { jsonFieldPath } from '#kit/access/field-path.js';
import type { Route } from '../routing/route-table.js';
import { TranscodeError } from '../transcode/transcode-error.js';
import { accessRules, customerRole, fieldValueOf, type AccessRule } from '#kit/access/access-rules.js';
import { verifiedClaimsHeader } from '#kit/access/own-data.js';
import { RateLimiter } from './rate-limiter.js';
import { permissionDenied, TokenVerifier, type Caller, type TokenVerifierConfig } from './token-verifier.js';

export interface EdgeAccessConfig {
  tokens: TokenVerifierConfig;
  rateLimit: RateLimit;
}

/** Who a request acts for, once admitted. */
export interface Admission {
  caller?: Caller;
  /** Set when the caller acts as a customer: then only this customer's data is theirs. */
  customer?: string;
}

/** A call the gate makes itself: the owner read before a customer changes a resource. */
export type OwnerReadCall = (target: Pick<Route, 'method' | 'grpcPath'>, request: Message) => Promise<UnaryOutcome>;

/**
 * The local edge's access checks, from the access declared next to each method in the protos:
 * rate limit per caller, the access token, the caller's roles, and for a customer, that the
 * request (or the resource it reads or changes) is their own. Every refusal comes before the call
 * that would change anything.
 */
export class AccessGate {
  private constructor(
    private readonly rules: ReadonlyMap<DescMethod, AccessRule>,
    private readonly verifier: TokenVerifier,
    private readonly limiter: RateLimiter,
  ) {}

  /** Throws listing every routed method without a usable access declaration. */
  static build(registry: Registry, routes: readonly Route[], config: EdgeAccessConfig): AccessGate {
    const methods = [...new Set(routes.map((route) => route.method))];
    return new AccessGate(accessRules(registry, methods), new TokenVerifier(config.tokens), new RateLimiter(config.rateLimit));
  }

  /** Before the body is read: the caller's rate limit, token and roles. */
  async admit(route: Route, request: IncomingMessage): Promise<Admission> {
    const rule = this.ruleOf(route.method);
    const address = `address ${request.socket.remoteAddress ?? 'unknown'}`;
    if (rule.open) {
      this.limiter.take(address);
      return {};
    }
    let caller: Caller;
    try {
      caller = await this.verifier.verify(request.headers.authorization);
    } catch (error) {
      this.limiter.take(address);
      throw error;
    }
    this.limiter.take(`subject ${caller.subject}`);
    if ([...caller.roles].some((role) => role !== customerRole && rule.roles.has(role))) return { caller };
    if (rule.roles.has(customerRole) && caller.roles.has(customerRole)) return { caller, customer: caller.subject };
    const roles = caller.roles.size === 0 ? 'no role' : `role ${[...caller.roles].join(', ')}`;
    throw permissionDenied(`a caller with ${roles} may not call ${route.method.parent.name}.${route.method.name}`);
  }

  /** A customer's request must name them where the method says (e.g. customerId). */
  checkRequest(admission: Admission, route: Route, message: Message): void {
    const field = this.ruleOf(route.method).customerField;
    if (admission.customer !== undefined && field !== undefined) checkOwnCustomer(admission.customer, message, field, 'request');
  }

  /** A customer changing one resource: it is read first, and must be theirs. */
  async checkOwner(admission: Admission, route: Route, message: Message, call: OwnerReadCall): Promise<void> {
    const read = this.ruleOf(route.method).ownerRead;
    if (admission.customer === undefined || read === undefined) return;
    const readRequest = fromJson(read.input, toJson(route.method.input, message), { ignoreUnknownFields: true });
    const outcome = await call({ method: read, grpcPath: `/${read.parent.typeName}/${read.name}` }, readRequest);
    if (!outcome.ok) throw new TranscodeError(outcome.error.code, outcome.error.details);
    checkOwnCustomer(admission.customer, outcome.response, this.ruleOf(read).responseCustomerField ?? [], 'resource');
  }

  /** A customer reading one resource sees it only when it is theirs. */
  checkResponse(admission: Admission, route: Route, response: Message): void {
    const field = this.ruleOf(route.method).responseCustomerField;
    if (admission.customer !== undefined && field !== undefined) checkOwnCustomer(admission.customer, response, field, 'resource');
  }

  private ruleOf(method: DescMethod): AccessRule {
    const rule = this.rules.get(method);
    if (rule === undefined) throw new Error(`no access rule for ${method.parent.typeName}.${method.name}`);
    return rule;
  }
}

/**
 * The verified caller for the service, as Envoy's jwt_authn forwards it (forward_payload_header),
 * so the service checks a customer's own data itself (services/kit/src/access/own-data.ts). A
 * header of that name from the client is never passed on.
 */
export function forwardVerifiedClaims(metadata: Metadata, admission: Admission): Metadata {
  metadata.remove(verifiedClaimsHeader);
  const { caller } = admission;
  if (caller !== undefined) metadata.set(verifiedClaimsHeader, Buffer.from(JSON.stringify({ sub: caller.subject, roles: [...caller.roles] })).toString('base64url'));
  return metadata;
}

function checkOwnCustomer(customer: string, message: Message, fields: readonly DescField[], what: 'request' | 'resource'): void {
  const value = fieldValueOf(message, fields);
  if (String(value) === customer) return;
  const name = jsonFieldPath(fields);
  throw permissionDenied(
    what === 'request'
      ? `customer ${customer} may act only for themselves: ${name} must be ${customer}`
      : `customer ${customer} may act only on their own data: this one is not theirs`,
  );
}
