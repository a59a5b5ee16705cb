import { fromJson, toBinary, type DescField, type DescMessage, type JsonObject, type JsonValue, type Message, type Registry } from '@bufbuild/protobuf';
import { findField, jsonFieldPath } from '#kit/access/field-path.js';
import { hasSpecialJson, valueType } from '../descriptors/value-type.js';
import type { BoundValue, Route } from '../routing/route-table.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import { checkIntegerValues } from './integer-values.js';
import { isJsonObject } from './json.js';
import { invalidArgument, invalidField } from './transcode-error.js';
import { fieldValueWithoutUnknownFields, withoutUnknownFields } from './unknown-json-fields.js';
import { typeLabel, urlValueToJson } from './url-value.js';

type RequestOptions = Pick<GrpcJsonTranscoderOptions, 'case_insensitive_enum_parsing' | 'request_validation_options'>;

/**
 * The gRPC request message for one REST request: the JSON body placed where the rule's `body`
 * says, then every path and query value woven in. Both end up in one proto3 JSON document, parsed
 * once, so a URL value and a body value of the same field obey the same rules.
 *
 * As in Envoy's transcoder, a body sent to a rule without `body` is read as the whole request,
 * and a field given both in the URL and in the body takes the body's value (a repeated field gets
 * both); with reject_binding_body_field_collisions, differing values are a 400 instead.
 */
export function requestMessage(route: Route, urlValues: readonly BoundValue[], bodyText: string, options: RequestOptions, registry: Registry): Message {
  const json = bodyJson(route, bodyText);
  const boundFromUrl = new Set<string>();
  for (const bound of urlValues) weave(json, bound, boundFromUrl, options, registry);
  checkIntegerValues(route.method.input, json);
  try {
    return fromJson(route.method.input, json, { registry });
  } catch (error) {
    const path = failingFieldPath(route.method.input, json, registry);
    throw path.length > 0 ? invalidField(path.join('.'), (error as Error).message) : invalidArgument((error as Error).message);
  }
}

function bodyJson(route: Route, bodyText: string): JsonObject {
  const text = bodyText.trim();
  if (text === '') return {};
  let body: JsonValue;
  try {
    body = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw invalidArgument(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (route.body.kind !== 'field') {
    if (!isJsonObject(body)) throw invalidArgument('the request body must be a JSON object');
    return withoutUnknownFields(route.method.input, body);
  }
  const fields = route.body.fields;
  const leaf = fields.at(-1);
  let wrapped: JsonValue = leaf === undefined ? body : fieldValueWithoutUnknownFields(leaf, body);
  for (const field of [...fields].reverse()) wrapped = { [field.jsonName]: wrapped };
  return isJsonObject(wrapped) ? wrapped : {};
}

function weave(root: JsonObject, bound: BoundValue, boundFromUrl: Set<string>, options: RequestOptions, registry: Registry): void {
  const path = jsonFieldPath(bound.fields);
  let parent = root;
  for (const [index, field] of bound.fields.entries()) {
    const key = presentKey(parent, field) ?? field.jsonName;
    if (index === bound.fields.length - 1) {
      weaveLeaf(parent, key, field, bound.value, path, boundFromUrl, options, registry);
      return;
    }
    const next = parent[key];
    if (next === undefined || next === null) {
      const created: JsonObject = {};
      parent[key] = created;
      parent = created;
    } else if (isJsonObject(next)) {
      parent = next;
    } else {
      throw invalidField(jsonFieldPath(bound.fields.slice(0, index + 1)), 'expected an object in the request body');
    }
  }
}

function weaveLeaf(
  parent: JsonObject,
  key: string,
  field: DescField,
  text: string,
  path: string,
  boundFromUrl: Set<string>,
  options: RequestOptions,
  registry: Registry,
): void {
  const value = urlValueToJson(field, text, options.case_insensitive_enum_parsing);
  if (!parsesAs(field, field.fieldKind === 'list' ? [value] : value, registry)) {
    throw invalidField(path, `"${text}" is not a valid ${typeLabel(field)}`);
  }
  const existing = parent[key];
  if (field.fieldKind === 'list') {
    if (Array.isArray(existing)) parent[key] = [...existing, value];
    else if (existing === undefined || existing === null) parent[key] = [value];
    return;
  }
  if (existing !== undefined && existing !== null && !boundFromUrl.has(path)) {
    const collides = options.request_validation_options.reject_binding_body_field_collisions && !sameValue(field, existing, value, registry);
    if (collides) throw invalidArgument(`The binding value ${text} of the field ${path} is conflicting with the value ${JSON.stringify(existing)} in the body.`);
    return;
  }
  parent[key] = value;
  boundFromUrl.add(path);
}

function presentKey(object: JsonObject, field: DescField): string | undefined {
  if (field.jsonName in object) return field.jsonName;
  return field.name in object ? field.name : undefined;
}

function parsesAs(field: DescField, value: JsonValue, registry: Registry): boolean {
  return singleFieldBytes(field, value, registry) !== undefined;
}

/** Equal proto encodings of the field alone: 5, "5" and "05" are one int64; an invalid body value is left to the final parse. */
function sameValue(field: DescField, bodyValue: JsonValue, urlValue: JsonValue, registry: Registry): boolean {
  const body = singleFieldBytes(field, bodyValue, registry);
  const url = singleFieldBytes(field, urlValue, registry);
  return body === undefined || url === undefined || Buffer.from(body).equals(url);
}

function singleFieldBytes(field: DescField, value: JsonValue, registry: Registry): Uint8Array | undefined {
  try {
    return toBinary(field.parent, fromJson(field.parent, { [field.jsonName]: value }, { registry }));
  } catch {
    return undefined;
  }
}

/** The JSON path of the first field whose value does not parse, descending into plain messages. */
function failingFieldPath(message: DescMessage, json: JsonObject, registry: Registry): string[] {
  for (const [key, value] of Object.entries(json)) {
    const field = findField(message, key);
    if (field === undefined || singleFieldBytes(field, value, registry) !== undefined) continue;
    const type = valueType(field);
    if (field.fieldKind === 'message' && type.kind === 'message' && !hasSpecialJson(type.message) && isJsonObject(value)) {
      return [field.jsonName, ...failingFieldPath(type.message, value, registry)];
    }
    return [field.jsonName];
  }
  return [];
}
