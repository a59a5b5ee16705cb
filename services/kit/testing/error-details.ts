import type { ServiceError } from '@grpc/grpc-js';
import { BadRequest, ErrorInfo } from '#google/rpc/error_details.js';
import { Status } from '#google/rpc/status.js';

/** What a failed call's grpc-status-details-bin says, in the words tests compare. */
export interface ReadErrorDetails {
  reason?: string;
  domain?: string;
  facts?: Record<string, string>;
  /** BadRequest's field violations, `field: description`. */
  violations: string[];
}

export function errorDetailsOf(error: ServiceError): ReadErrorDetails {
  const [bytes] = error.metadata.get('grpc-status-details-bin');
  if (!(bytes instanceof Buffer)) return { violations: [] };
  const read: ReadErrorDetails = { violations: [] };
  for (const detail of Status.decode(bytes).details) {
    if (detail.typeUrl === 'type.googleapis.com/google.rpc.ErrorInfo') {
      const info = ErrorInfo.decode(detail.value);
      Object.assign(read, { reason: info.reason, domain: info.domain, facts: info.metadata });
    } else if (detail.typeUrl === 'type.googleapis.com/google.rpc.BadRequest') {
      read.violations.push(...BadRequest.decode(detail.value).fieldViolations.map((violation) => `${violation.field}: ${violation.description}`));
    }
  }
  return read;
}
