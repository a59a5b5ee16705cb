/**
 * Scalars in protobuf's JSON mapping (which Envoy's YAML loader uses): 64-bit integers may be
 * strings, floats may be "NaN"/"Infinity", bytes are base64. Returns the problem, or undefined.
 */
export type ScalarKind =
  | 'double' | 'float' | 'int32' | 'uint32' | 'sint32' | 'fixed32' | 'sfixed32'
  | 'int64' | 'uint64' | 'sint64' | 'fixed64' | 'sfixed64' | 'bool' | 'string' | 'bytes';

const integerRanges: Partial<Record<ScalarKind, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

export function isScalarKind(type: string): type is ScalarKind {
  return type in integerRanges || ['double', 'float', 'bool', 'string', 'bytes'].includes(type);
}

export function scalarProblem(kind: ScalarKind, value: unknown): string | undefined {
  switch (kind) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected a boolean, got ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${describe(value)}`;
    case 'bytes':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ? undefined : `expected base64 bytes, got ${describe(value)}`;
    case 'double':
    case 'float':
      if (typeof value === 'number' || (typeof value === 'string' && /^(NaN|-?Infinity|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/.test(value))) return undefined;
      return `expected a number, got ${describe(value)}`;
    default:
      return integerProblem(kind, value);
  }
}

/** The numeric value of a valid scalar, for range rules. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function integerProblem(kind: ScalarKind, value: unknown): string | undefined {
  const range = integerRanges[kind];
  if (range === undefined) return `unsupported scalar kind ${kind}`;
  let integer: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) integer = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) integer = BigInt(value);
  else return `expected an integer (${kind}), got ${describe(value)}`;
  return integer < range[0] || integer > range[1] ? `${String(integer)} is out of range for ${kind}` : undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
