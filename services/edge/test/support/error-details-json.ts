/** google.rpc error details as both edges print them (proto3 JSON Any, every field printed). */
export const errorInfoJson = (reason: string, metadata: Record<string, string> = {}): object => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'bookstore',
  metadata,
});

export const badRequestJson = (field: string, description: string): object => ({
  '@type': 'type.googleapis.com/google.rpc.BadRequest',
  fieldViolations: [{ field, description, reason: '' }],
});

/** The details of an INVALID_ARGUMENT that names `field`, from a service or from the edge itself. */
export const invalidFieldDetails = (field: string, description: string): object[] => [errorInfoJson('INVALID_FIELD'), badRequestJson(field, description)];
