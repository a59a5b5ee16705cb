import { status, type ServiceError } from '@grpc/grpc-js';
import { statusDetailsKey } from './error-details.js';
import { GrpcError } from './grpc-error.js';

/**
 * A failed call in the caller's words: which callee, and what went wrong (unreachable, too slow,
 * broken). An answer such as NOT_FOUND keeps the callee's own words and error details. The
 * transport's own text (addresses, socket errors) stays in the cause, for the log, and out of what
 * clients are told.
 */
export function describeFailure(callee: string, error: ServiceError, timeoutMs: number): GrpcError {
  const message = failureMessage(callee, error, timeoutMs);
  const failure = new GrpcError(error.code, message, { cause: error });
  const [details] = message === error.details ? error.metadata.get(statusDetailsKey) : [];
  if (details !== undefined) failure.metadata.set(statusDetailsKey, details);
  return failure;
}

function failureMessage(callee: string, { code, details }: ServiceError, timeoutMs: number): string {
  switch (code) {
    case status.UNAVAILABLE:
      return `${callee} is unavailable`;
    case status.DEADLINE_EXCEEDED:
      return `${callee} did not answer within ${timeoutMs} ms`;
    case status.INTERNAL:
    case status.UNKNOWN:
    case status.DATA_LOSS:
      return `${callee} failed`;
    default:
      return details;
  }
}
