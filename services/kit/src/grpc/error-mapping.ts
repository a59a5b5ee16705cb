import { status } from '@grpc/grpc-js';
import { storeUnreachable } from '../db/store-unreachable.js';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import { CalleeFailure } from './call-failure.js';
import type { ErrorDetails } from './error-details.js';
import { GrpcError, hasGrpcCode } from './grpc-error.js';

const codeByKind: Record<DomainErrorKind, status> = {
  invalid: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  precondition: status.FAILED_PRECONDITION,
};

/**
 * A dependency's outage, answered by its caller: ABORTED (HTTP 409), which neither Envoy/Istio
 * retries nor outlier detection (gateway errors: UNAVAILABLE, DEADLINE_EXCEEDED) count against the
 * caller, who is healthy. Its client may try the whole request again later. README, "Error codes".
 */
const dependencyOutages = new Set<status>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.CANCELLED,
  status.INTERNAL,
  status.UNKNOWN,
  status.DATA_LOSS,
]);

/**
 * The status a client sees for what a handler threw. Domain errors keep their words and add their
 * reason (ErrorInfo) and field (BadRequest); a callee's outage becomes ABORTED with the caller's
 * words for it ("catalog is unavailable"); a store that could not be reached is UNAVAILABLE, since
 * nothing was written and the caller may try again; another error that already has a gRPC code (a
 * callee's answer) keeps it; anything else is a bug whose details stay in the log (as `cause`) and
 * out of the answer.
 */
export function toGrpcError(error: unknown): GrpcError {
  if (error instanceof DomainError) return new GrpcError(codeByKind[error.kind], domainMessage(error), { details: domainDetails(error) });
  if (error instanceof CalleeFailure && dependencyOutages.has(error.code)) return new GrpcError(status.ABORTED, error.message, { cause: error });
  if (error instanceof GrpcError) return error;
  if (storeUnreachable(error)) return new GrpcError(status.UNAVAILABLE, 'the store is unavailable; nothing was written', { cause: error });
  if (hasGrpcCode(error)) return new GrpcError(error.code, typeof error.details === 'string' ? error.details : error.message);
  return new GrpcError(status.INTERNAL, 'internal error', { cause: error });
}

function domainMessage(error: DomainError): string {
  const { field, message } = error;
  return field === undefined || message.includes(field) ? message : `${field}: ${message}`;
}

function domainDetails(error: DomainError): ErrorDetails {
  const { field, rule, reason, facts } = error;
  return { reason, facts, violation: field === undefined ? undefined : { field, description: rule ?? error.message } };
}
