import { status } from '@grpc/grpc-js';
import { httpStatusOf } from './http-status.js';

/**
 * A request the edge answers itself, before or instead of calling a service. Its body is the same
 * google.rpc.Status JSON a service error gets; `httpStatus` is what Envoy answers in the same case.
 */
export class TranscodeError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly httpStatus: number = httpStatusOf(code),
    /** Headers the answer carries besides the body, e.g. WWW-Authenticate, Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'TranscodeError';
  }
}

export const invalidArgument = (message: string): TranscodeError => new TranscodeError(status.INVALID_ARGUMENT, message);
