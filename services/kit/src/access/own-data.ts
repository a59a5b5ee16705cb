import { status, type handleUnaryCall, type Metadata, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { hasOption, type DescField, type DescMethod, type Registry } from '@bufbuild/protobuf';
import { GrpcError } from '../grpc/grpc-error.js';
import { accessExtensionName, accessRules, customerRole, fieldValueOf, type AccessRule } from './access-rules.js';
import { jsonFieldPath } from './field-path.js';

/**
 * The verified access token's payload (base64url JSON), as the edges forward it: Envoy's jwt_authn
 * (forward_payload_header, replacing whatever a client sent) and the local edge. Only callers the
 * call edges admit reach a service (mutual TLS here, AuthorizationPolicy in a cluster), and they
 * set it from a token they verified.
 */
export const verifiedClaimsHeader = 'x-bookstore-verified-claims';

/** The ErrorInfo reason of a customer reaching for another customer's data. */
export const notOwnDataReason = 'NOT_OWN_DATA';

interface VerifiedClaims {
  sub: string;
  roles: ReadonlySet<string>;
}

/**
 * A customer's own data, checked by the service itself from the access declared in the protos, so
 * it holds whichever edge a call came through: when the verified claims say the caller acts as a
 * customer (the customer role is the only one of theirs the method admits), the request's
 * customer_field must name them, the resource an owner_read_method reads must be theirs, and a
 * response_customer_field must name them; otherwise PERMISSION_DENIED (ErrorInfo NOT_OWN_DATA).
 * A call without claims comes from inside the mesh (a service, an operator's grpcurl) and is not a
 * customer's.
 */
export function checkOwnData(definition: ServiceDefinition, implementation: UntypedServiceImplementation, registry: Registry): UntypedServiceImplementation {
  const methods = declaredMethods(definition, registry);
  const rules = accessRules(registry, [...methods.values()]);
  const checked: UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of methods) {
    const rule = rules.get(method);
    const handler = implementation[name] as handleUnaryCall<unknown, unknown> | undefined;
    if (rule === undefined || handler === undefined || !guardsCustomers(rule)) continue;
    const ownerRead = rule.ownerRead === undefined ? undefined : ownerReadOf(rule.ownerRead, methods, implementation, rules);
    checked[name] = ownOnly(rule, handler, ownerRead);
  }
  return checked;
}

interface OwnerRead {
  handler: handleUnaryCall<unknown, unknown>;
  field: readonly DescField[];
}

function ownOnly(rule: AccessRule, handler: handleUnaryCall<unknown, unknown>, ownerRead: OwnerRead | undefined): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    let customer: string | undefined;
    try {
      customer = actingCustomer(rule, call.metadata);
      if (customer !== undefined && rule.customerField !== undefined) checkOwn(customer, call.request, rule.customerField, 'request');
    } catch (error) {
      callback(error as GrpcError);
      return;
    }
    if (customer === undefined) {
      handler(call, callback);
      return;
    }
    const own = customer;
    const answer: typeof callback = (error, response, ...rest) => {
      if (error === null && rule.responseCustomerField !== undefined && !isOwn(own, response, rule.responseCustomerField)) {
        callback(notOwn(own, 'resource'));
        return;
      }
      callback(error, response, ...rest);
    };
    if (ownerRead === undefined) {
      handler(call, answer);
      return;
    }
    // The resource is read first, by the service's own read method, and must be the customer's.
    ownerRead.handler(call, (error, resource) => {
      if (error !== null) callback(error);
      else if (!isOwn(own, resource, ownerRead.field)) callback(notOwn(own, 'resource'));
      else handler(call, answer);
    });
  };
}

/** The customer the caller acts as, when the verified claims make them one for this method. */
function actingCustomer(rule: AccessRule, metadata: Metadata): string | undefined {
  const claims = verifiedClaims(metadata);
  if (claims === undefined) return undefined;
  if ([...claims.roles].some((role) => role !== customerRole && rule.roles.has(role))) return undefined;
  if (claims.roles.has(customerRole)) return claims.sub;
  throw new GrpcError(status.PERMISSION_DENIED, `a caller with roles ${[...claims.roles].join(', ') || 'none'} may not call this method`, {
    details: { reason: notOwnDataReason, facts: { subject: claims.sub } },
  });
}

function verifiedClaims(metadata: Metadata): VerifiedClaims | undefined {
  const [value] = metadata.get(verifiedClaimsHeader);
  if (value === undefined) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  const { sub, roles } = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  if (typeof sub !== 'string' || !Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new GrpcError(status.PERMISSION_DENIED, `${verifiedClaimsHeader} holds no verified subject and roles`, { details: { reason: notOwnDataReason } });
  }
  return { sub, roles: new Set(roles) };
}

function checkOwn(customer: string, request: unknown, fields: readonly DescField[], what: 'request' | 'resource'): void {
  if (!isOwn(customer, request, fields)) throw notOwn(customer, what, jsonFieldPath(fields));
}

function isOwn(customer: string, message: unknown, fields: readonly DescField[]): boolean {
  return typeof message === 'object' && message !== null && String(fieldValueOf(message as never, fields)) === customer;
}

function notOwn(customer: string, what: 'request' | 'resource', field?: string): GrpcError {
  const message =
    what === 'request' && field !== undefined
      ? `customer ${customer} may act only for themselves: ${field} must be ${customer}`
      : `customer ${customer} may act only on their own data: this one is not theirs`;
  return new GrpcError(status.PERMISSION_DENIED, message, {
    details: { reason: notOwnDataReason, facts: { customer }, ...(field === undefined ? {} : { violation: { field, description: `must be ${customer}` } }) },
  });
}

function guardsCustomers(rule: AccessRule): boolean {
  return rule.roles.has(customerRole);
}

function ownerReadOf(
  read: DescMethod,
  methods: ReadonlyMap<string, DescMethod>,
  implementation: UntypedServiceImplementation,
  rules: ReadonlyMap<DescMethod, AccessRule>,
): OwnerRead {
  const name = [...methods].find(([, method]) => method === read)?.[0];
  const handler = name === undefined ? undefined : (implementation[name] as handleUnaryCall<unknown, unknown> | undefined);
  const field = rules.get(read)?.responseCustomerField;
  if (handler === undefined || field === undefined) throw new Error(`${read.parent.typeName}.${read.name}: an owner read this service does not serve`);
  return { handler, field };
}

/** The methods of the definition that declare their access, by their implementation key. */
function declaredMethods(definition: ServiceDefinition, registry: Registry): Map<string, DescMethod> {
  const extension = registry.getExtension(accessExtensionName);
  const methods = new Map<string, DescMethod>();
  if (extension === undefined) return methods;
  for (const [name, { path }] of Object.entries(definition)) {
    const [, serviceName = '', methodName = ''] = path.split('/');
    const method = registry.getService(serviceName)?.methods.find((candidate) => candidate.name === methodName);
    if (method !== undefined && hasOption(method, extension)) methods.set(name, method);
  }
  return methods;
}
