import type { status } from '@grpc/grpc-js';
import { Any } from '#google/protobuf/any.js';
import { BadRequest, ErrorInfo } from '#google/rpc/error_details.js';
import { Status } from '#google/rpc/status.js';

/** ErrorInfo.domain of every refusal the shop makes (proto/bookstore/errors/v1/errors.proto). */
export const errorDomain = 'bookstore';

/** The trailer gRPC carries a google.rpc.Status in; both edges print its details in the REST body. */
export const statusDetailsKey = 'grpc-status-details-bin';

/** What a client may read beside the code and message: google.rpc.ErrorInfo and google.rpc.BadRequest. */
export interface ErrorDetails {
  reason: string;
  facts?: Readonly<Record<string, string>>;
  /** The request field at fault, lowerCamelCase (dotted when nested), and the rule it broke. */
  violation?: { field: string; description: string };
}

/** A serialized google.rpc.Status with an ErrorInfo and, for a field violation, a BadRequest. */
export function statusDetailsBin(code: status, message: string, details: ErrorDetails): Buffer {
  const packed = [pack('google.rpc.ErrorInfo', ErrorInfo.encode({ reason: details.reason, domain: errorDomain, metadata: { ...details.facts } }).finish())];
  if (details.violation !== undefined) {
    const fieldViolations = [{ ...details.violation, reason: '', localizedMessage: undefined }];
    packed.push(pack('google.rpc.BadRequest', BadRequest.encode({ fieldViolations }).finish()));
  }
  return Buffer.from(Status.encode({ code, message, details: packed }).finish());
}

function pack(typeName: string, bytes: Uint8Array): Any {
  return { typeUrl: `type.googleapis.com/${typeName}`, value: Buffer.from(bytes) };
}
