import type { DescEnum, DescMessage, Registry } from '@bufbuild/protobuf';

/** The error details the API reference documents, from the descriptor set (proto/bookstore/errors). */
export interface ErrorModel {
  errorInfo: DescMessage;
  badRequest: DescMessage;
  reasons: DescEnum;
}

export function errorModelOf(registry: Registry): ErrorModel {
  const errorInfo = registry.getMessage('google.rpc.ErrorInfo');
  const badRequest = registry.getMessage('google.rpc.BadRequest');
  const reasons = registry.getEnum('bookstore.errors.v1.ErrorReason');
  if (errorInfo === undefined || badRequest === undefined || reasons === undefined) {
    throw new Error('the descriptor set lacks google/rpc/error_details.proto or bookstore/errors/v1/errors.proto (run `make proto`)');
  }
  return { errorInfo, badRequest, reasons };
}
