import { fromBinary, ScalarType, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { isReflectList, isReflectMessage, reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { status, type MethodDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { INVALID_FIELD } from '../domain/errors.js';
import { GrpcError } from './grpc-error.js';

/**
 * A request that did not decode, standing in for it so the call is answered with `error`. grpc-js
 * answers a deserializer's throw with INTERNAL "Error deserializing request", a server fault.
 */
export class UndecodedRequest {
  constructor(readonly error: GrpcError) {}
}

const int64Scalars = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `definition` with request decoders that never throw. The generated code holds int64 fields as
 * numbers and refuses values past 2^53 - 1; such a value is the client's INVALID_ARGUMENT naming
 * the field (found by decoding the bytes again with the contracts' descriptors), and bytes that are
 * no request at all are INVALID_ARGUMENT too.
 */
export function withRequestDecodingChecks(definition: ServiceDefinition, registry: Registry): ServiceDefinition {
  // grpc-js types a definition's methods with `any` messages; the decoders only pass them on.
  const methods = Object.entries(definition) as [string, MethodDefinition<object, object>][];
  return Object.fromEntries(methods.map(([name, method]) => [name, { ...method, requestDeserialize: guardedDecoder(method, registry) }]));
}

function guardedDecoder(method: MethodDefinition<object, object>, registry: Registry): (bytes: Buffer) => object {
  const [, serviceName = '', methodName = ''] = method.path.split('/');
  const input = registry.getService(serviceName)?.methods.find((candidate) => candidate.name === methodName)?.input;
  return (bytes) => {
    try {
      return method.requestDeserialize(bytes);
    } catch {
      return new UndecodedRequest(decodingError(input, bytes));
    }
  };
}

function decodingError(input: DescMessage | undefined, bytes: Buffer): GrpcError {
  let unsafe: { field: string; description: string } | undefined;
  try {
    unsafe = input === undefined ? undefined : unsafeInteger(reflect(input, fromBinary(input, bytes)));
  } catch {
    unsafe = undefined;
  }
  if (unsafe === undefined) return new GrpcError(status.INVALID_ARGUMENT, `the request does not decode as ${input?.typeName ?? 'its message'}`);
  const message = `${unsafe.field}: ${unsafe.description}`;
  return new GrpcError(status.INVALID_ARGUMENT, message, { details: { reason: INVALID_FIELD, violation: unsafe } });
}

/** The first 64-bit integer outside ±(2^53 - 1), by its JSON path, with the rule it breaks. */
function unsafeInteger(message: ReflectMessage, prefix = ''): { field: string; description: string } | undefined {
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    const path = `${prefix}${field.jsonName}`;
    const value: unknown = message.get(field);
    const values: unknown[] = isReflectList(value) ? [...value] : [value];
    for (const item of values) {
      if (isReflectMessage(item)) {
        const nested = unsafeInteger(item, `${path}.`);
        if (nested !== undefined) return nested;
      } else if ((field.fieldKind === 'scalar' || field.fieldKind === 'list') && field.scalar !== undefined && int64Scalars.has(field.scalar) && typeof item === 'bigint') {
        if (item > maxSafe) return { field: path, description: `must be at most ${maxSafe}` };
        if (item < -maxSafe) return { field: path, description: `must be at least -${maxSafe}` };
      }
    }
  }
  return undefined;
}
