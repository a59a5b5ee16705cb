import { status } from '@grpc/grpc-js';

/**
 * gRPC status code -> HTTP status, exactly Envoy's Grpc::Utility::grpcToHttpStatus (which follows
 * https://cloud.google.com/apis/design/errors#handling_errors). A code outside the table is 500.
 */
const httpStatusByGrpcCode: ReadonlyMap<number, number> = new Map([
  [status.OK, 200],
  [status.CANCELLED, 499],
  [status.UNKNOWN, 500],
  [status.INVALID_ARGUMENT, 400],
  [status.DEADLINE_EXCEEDED, 504],
  [status.NOT_FOUND, 404],
  [status.ALREADY_EXISTS, 409],
  [status.PERMISSION_DENIED, 403],
  [status.RESOURCE_EXHAUSTED, 429],
  [status.FAILED_PRECONDITION, 400],
  [status.ABORTED, 409],
  [status.OUT_OF_RANGE, 400],
  [status.UNIMPLEMENTED, 501],
  [status.INTERNAL, 500],
  [status.UNAVAILABLE, 503],
  [status.DATA_LOSS, 500],
  [status.UNAUTHENTICATED, 401],
]);

export function httpStatusOf(grpcCode: number): number {
  return httpStatusByGrpcCode.get(grpcCode) ?? 500;
}
