import { status, type ServiceError } from '@grpc/grpc-js';
import { statusDetailsKey } from './error-details.js';
import { GrpcError } from './grpc-error.js';

/** A call to `callee` that failed: what this process's own callers must not mistake for its own outage. */
export class CalleeFailure extends GrpcError {
  constructor(
    readonly callee: string,
    code: status,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'CalleeFailure';
  }
}

/**
 * A failed call in the caller's words: which callee, and what went wrong (unreachable, too slow,
 * broken). An answer such as NOT_FOUND keeps the callee's own words and error details. The
 * transport's own text (addresses, socket errors) stays in the cause, for the log, and out of what
 * clients are told.
 */
export function describeFailure(callee: string, error: ServiceError, timeoutMs: number): CalleeFailure {
  const message = failureMessage(callee, error, timeoutMs);
  const failure = new CalleeFailure(callee, error.code, message, { cause: error });
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
