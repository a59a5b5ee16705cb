import { ScalarType, type DescField, type JsonValue } from '@bufbuild/protobuf';
import { stringJsonMessages, valueType, wrapperMessages, type ValueType } from '../descriptors/value-type.js';

/** Why values from a URL (path variable or query parameter) cannot be bound to `field`, or undefined. */
export function urlBindingProblem(field: DescField): string | undefined {
  return typeProblem(valueType(field));
}

function typeProblem(type: ValueType): string | undefined {
  if (type.kind === 'map') return 'a map field cannot be bound from the URL';
  if (type.kind !== 'message' || stringJsonMessages.has(type.message.typeName)) return undefined;
  if (wrapperMessages.has(type.message.typeName)) return undefined;
  return `a ${type.message.typeName} field cannot be bound from the URL`;
}

/**
 * The proto3 JSON value a URL string stands for in `field`, so that one JSON parser checks body and
 * URL values alike. Numbers stay strings (proto3 JSON accepts "5" for every numeric type), booleans
 * are read as Envoy reads them, enums are a name or a number.
 */
export function urlValueToJson(field: DescField, text: string, caseInsensitiveEnums: boolean): JsonValue {
  return typedUrlValue(valueType(field), text, caseInsensitiveEnums);
}

const trueWords = new Set(['true', 't', 'yes', 'y', '1']);
const falseWords = new Set(['false', 'f', 'no', 'n', '0']);

function typedUrlValue(type: ValueType, text: string, caseInsensitiveEnums: boolean): JsonValue {
  switch (type.kind) {
    case 'scalar':
      if (type.scalar !== ScalarType.BOOL) return text;
      if (trueWords.has(text.toLowerCase())) return true;
      if (falseWords.has(text.toLowerCase())) return false;
      return text;
    case 'enum': {
      if (/^-?\d+$/.test(text)) return Number(text);
      if (!caseInsensitiveEnums) return text;
      return type.enum.values.find((value) => value.name.toLowerCase() === text.toLowerCase())?.name ?? text;
    }
    case 'message': {
      const wrapped = type.message.fields[0];
      if (wrapperMessages.has(type.message.typeName) && wrapped !== undefined) {
        return typedUrlValue(valueType(wrapped), text, caseInsensitiveEnums);
      }
      return text;
    }
    case 'map':
      return text;
  }
}

/** How an error names the type a URL value should have: int64, bool, an enum with its names, a message. */
export function typeLabel(field: DescField): string {
  const type = valueType(field);
  switch (type.kind) {
    case 'scalar':
      return ScalarType[type.scalar].toLowerCase();
    case 'enum':
      return `${type.enum.typeName} (${type.enum.values.map((value) => value.name).join(', ')})`;
    case 'message':
      return type.message.typeName;
    case 'map':
      return 'map';
  }
}
