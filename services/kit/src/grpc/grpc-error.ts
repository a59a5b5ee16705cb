import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { statusDetailsBin, statusDetailsKey, type ErrorDetails } from './error-details.js';

/**
 * A gRPC status as an Error: what a handler answers with and what a client call fails with. It is a
 * grpc-js ServiceError, so a server passing one on keeps its code and words. With `details`, it
 * carries a google.rpc.Status (ErrorInfo, BadRequest) in the grpc-status-details-bin trailer.
 */
export class GrpcError extends Error implements ServiceError {
  readonly details: string;
  readonly metadata = new Metadata();

  constructor(
    readonly code: status,
    message: string,
    options?: { cause?: unknown; details?: ErrorDetails },
  ) {
    super(message, options);
    this.name = 'GrpcError';
    this.details = message;
    if (options?.details !== undefined) this.metadata.set(statusDetailsKey, statusDetailsBin(code, message, options.details));
  }
}

const errorCodes = new Set<number>(Object.values(status).filter((code) => typeof code === 'number' && code !== status.OK));

/** Whether `error` carries a gRPC status code other than OK (grpc-js errors, GrpcError). */
export function hasGrpcCode(error: unknown): error is Error & { code: status; details?: unknown } {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const { code } = error;
  return typeof code === 'number' && errorCodes.has(code);
}

export function codeName(code: status): string {
  return status[code];
}
