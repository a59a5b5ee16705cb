import { ScalarType, type DescField, type DescMessage, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { findField } from '#kit/access/field-path.js';
import { hasSpecialJson, valueType } from '../descriptors/value-type.js';
import { isJsonObject } from './json.js';
import { invalidField } from './transcode-error.js';

interface IntegerType {
  name: string;
  min: bigint;
  max: bigint;
}

const int32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const uint32 = { min: 0n, max: 2n ** 32n - 1n };
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const uint64 = { min: 0n, max: 2n ** 64n - 1n };

const integerTypes: ReadonlyMap<ScalarType, IntegerType> = new Map([
  [ScalarType.INT32, { name: 'int32', ...int32 }],
  [ScalarType.SINT32, { name: 'sint32', ...int32 }],
  [ScalarType.SFIXED32, { name: 'sfixed32', ...int32 }],
  [ScalarType.UINT32, { name: 'uint32', ...uint32 }],
  [ScalarType.FIXED32, { name: 'fixed32', ...uint32 }],
  [ScalarType.INT64, { name: 'int64', ...int64 }],
  [ScalarType.SINT64, { name: 'sint64', ...int64 }],
  [ScalarType.SFIXED64, { name: 'sfixed64', ...int64 }],
  [ScalarType.UINT64, { name: 'uint64', ...uint64 }],
  [ScalarType.FIXED64, { name: 'fixed64', ...uint64 }],
]);

/** Decimal digits, an optional minus, no leading zeros: the canonical proto3 JSON integer string. */
const decimalInteger = /^(0|-?[1-9][0-9]*)$/;

/**
 * Refuses what proto3 JSON parsers read as integers too kindly: "0x10", "0b1", " 1", "+1", "01" (all
 * accepted by the JavaScript parser), a fraction, a value out of the field's range, and a JSON number
 * past 2^53 - 1 (JSON.parse has already rounded it). Each is INVALID_ARGUMENT naming the field.
 * Every integer in range, as a decimal string or an exact JSON number, passes.
 */
export function checkIntegerValues(message: DescMessage, json: JsonObject, prefix = ''): void {
  if (hasSpecialJson(message)) return;
  for (const [key, value] of Object.entries(json)) {
    const field = findField(message, key);
    if (field === undefined || value === null) continue;
    const path = `${prefix}${field.jsonName}`;
    const items = field.fieldKind === 'list' && Array.isArray(value) ? value : [value];
    for (const item of items) checkValue(field, item, path);
  }
}

function checkValue(field: DescField, value: JsonValue, path: string): void {
  const type = valueType(field);
  if (type.kind === 'message' && isJsonObject(value)) {
    checkIntegerValues(type.message, value, `${path}.`);
    return;
  }
  const integer = type.kind === 'scalar' ? integerTypes.get(type.scalar) : undefined;
  if (integer === undefined) return;
  const problem = integerProblem(integer, value);
  if (problem !== undefined) throw invalidField(path, problem);
}

function integerProblem(type: IntegerType, value: JsonValue): string | undefined {
  const rule = `must be an ${type.name}: a whole number in decimal digits from ${type.min} to ${type.max}`;
  let parsed: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return `${rule} (a JSON number past 2^53 - 1 loses digits: send a string)`;
    parsed = BigInt(value);
  } else if (typeof value === 'string') {
    if (!decimalInteger.test(value)) return `${rule}, not ${JSON.stringify(value)}`;
    parsed = BigInt(value);
  } else {
    return undefined;
  }
  return parsed < type.min || parsed > type.max ? `${rule}, not ${String(value)}` : undefined;
}
