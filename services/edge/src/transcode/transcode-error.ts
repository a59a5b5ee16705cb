import { status } from '@grpc/grpc-js';
import { httpStatusOf } from './http-status.js';

/** The request field at fault (JSON path, lowerCamelCase) and the rule its value broke. */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * A request the edge answers itself, before or instead of calling a service. Its body is the same
 * google.rpc.Status JSON a service error gets; `httpStatus` is what Envoy answers in the same case.
 * A `violation` adds the details a service gives for a bad field (ErrorInfo and BadRequest).
 */
export class TranscodeError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly httpStatus: number = httpStatusOf(code),
    readonly violation?: FieldViolation,
    /** Headers the answer carries besides the body, e.g. WWW-Authenticate, Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'TranscodeError';
  }
}

export const invalidArgument = (message: string): TranscodeError => new TranscodeError(status.INVALID_ARGUMENT, message);

/** INVALID_ARGUMENT `field: description`, with the field in a BadRequest violation. */
export const invalidField = (field: string, description: string): TranscodeError =>
  new TranscodeError(status.INVALID_ARGUMENT, `${field}: ${description}`, undefined, { field, description });
