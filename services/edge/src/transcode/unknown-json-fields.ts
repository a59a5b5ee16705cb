import type { DescField, DescMessage, JsonObject, JsonValue } from '@bufbuild/protobuf';
import { findField } from '#kit/access/field-path.js';
import { hasSpecialJson, valueType } from '../descriptors/value-type.js';
import { isJsonObject } from './json.js';

/**
 * `json` without the keys that name no field, at any depth. Envoy's transcoder ignores unknown JSON
 * fields in a request body (grpc-httpjson-transcoding writes the request with ignore_unknown_fields
 * so that old and new clients keep working), while the values of known fields are still checked,
 * unknown enum names included.
 */
export function withoutUnknownFields(message: DescMessage, json: JsonObject): JsonObject {
  if (hasSpecialJson(message)) return json;
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(json)) {
    const field = findField(message, key);
    if (field !== undefined) kept[key] = fieldValueWithoutUnknownFields(field, value);
  }
  return kept;
}

/** The JSON value of `field` (singular, list or map) without unknown keys in the messages it holds. */
export function fieldValueWithoutUnknownFields(field: DescField, value: JsonValue): JsonValue {
  const type = valueType(field);
  const message = type.kind === 'message' ? type.message : type.kind === 'map' && type.value.kind === 'message' ? type.value.message : undefined;
  if (message === undefined) return value;
  const clean = (item: JsonValue): JsonValue => (isJsonObject(item) ? withoutUnknownFields(message, item) : item);
  if (field.fieldKind === 'list') return Array.isArray(value) ? value.map(clean) : value;
  if (field.fieldKind === 'map') return isJsonObject(value) ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item)])) : value;
  return clean(value);
}
