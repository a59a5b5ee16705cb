import { create, type Registry } from '@bufbuild/protobuf';
import { anyPack, type Any } from '@bufbuild/protobuf/wkt';
import { INVALID_FIELD } from '#kit/domain/errors.js';
import { errorDomain } from '#kit/grpc/error-details.js';
import type { FieldViolation } from './transcode-error.js';

/**
 * The details a service sends for a bad field, for the edge's own refusals: google.rpc.ErrorInfo
 * (reason INVALID_FIELD) and google.rpc.BadRequest, built from the descriptor set, which carries
 * google/rpc/error_details.proto for both edges. Empty if it does not.
 */
export function fieldViolationDetails(violation: FieldViolation, registry: Registry): Any[] {
  const errorInfo = registry.getMessage('google.rpc.ErrorInfo');
  const badRequest = registry.getMessage('google.rpc.BadRequest');
  if (errorInfo === undefined || badRequest === undefined) return [];
  return [
    anyPack(errorInfo, create(errorInfo, { reason: INVALID_FIELD, domain: errorDomain })),
    anyPack(badRequest, create(badRequest, { fieldViolations: [violation] })),
  ];
}
