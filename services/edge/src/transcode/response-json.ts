import { toJson, type JsonValue, type JsonWriteOptions, type Message, type Registry } from '@bufbuild/protobuf';
import { reflect, isReflectMessage } from '@bufbuild/protobuf/reflect';
import type { Route } from '../routing/route-table.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import { isJsonObject } from './json.js';

type PrintOptions = GrpcJsonTranscoderOptions['print_options'];

/** The same print options as protobuf's JsonPrintOptions, in @bufbuild/protobuf's words. */
export function jsonWriteOptions(print: PrintOptions, registry: Registry): JsonWriteOptions {
  return {
    alwaysEmitImplicit: print.always_print_primitive_fields,
    enumAsInteger: print.always_print_enums_as_ints,
    useProtoFieldName: print.preserve_proto_field_names,
    registry,
  };
}

/**
 * The HTTP body of a successful call: the response message as proto3 JSON, or only the field its
 * rule names in response_body. An unset message field renders as that message's empty value, so the
 * body keeps its documented shape.
 */
export function responseJson(route: Route, response: Message, print: PrintOptions, registry: Registry): JsonValue {
  const options = jsonWriteOptions(print, registry);
  let current = reflect(route.method.output, response);
  for (const [index, field] of route.responseBody.entries()) {
    const last = index === route.responseBody.length - 1;
    if (last && field.fieldKind !== 'message') {
      const parentJson = toJson(current.desc, current.message, options);
      const key = print.preserve_proto_field_names ? field.name : field.jsonName;
      return (isJsonObject(parentJson) ? parentJson[key] : undefined) ?? null;
    }
    const next = current.get(field);
    if (!isReflectMessage(next)) throw new Error(`response_body ${field.name} is not a message field`);
    current = next;
  }
  return toJson(current.desc, current.message, options);
}

export function jsonText(json: JsonValue, print: PrintOptions): string {
  return JSON.stringify(json, null, print.add_whitespace ? 2 : undefined);
}
