import { status } from '@grpc/grpc-js';
import { DomainError, type DomainErrorKind } from '../domain/errors.js';
import type { ErrorDetails } from './error-details.js';
import { GrpcError, hasGrpcCode } from './grpc-error.js';

const codeByKind: Record<DomainErrorKind, status> = {
  invalid: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  precondition: status.FAILED_PRECONDITION,
};

/**
 * The status a client sees for what a handler threw. Domain errors keep their words and add their
 * reason (ErrorInfo) and field (BadRequest); an error that already has a gRPC code (a downstream
 * call's) keeps it; anything else is a bug whose details stay in the log (as `cause`) and out of
 * the answer.
 */
export function toGrpcError(error: unknown): GrpcError {
  if (error instanceof DomainError) return new GrpcError(codeByKind[error.kind], domainMessage(error), { details: domainDetails(error) });
  if (error instanceof GrpcError) return error;
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
