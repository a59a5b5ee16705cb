import { toJson, type JsonValue, type JsonWriteOptions, type Message, type Registry } from '@bufbuild/protobuf';
import type { Route } from '../routing/route-table.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';

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

/** The HTTP body of a successful call: the whole response message as proto3 JSON. */
export function responseJson(route: Route, response: Message, print: PrintOptions, registry: Registry): JsonValue {
  return toJson(route.method.output, response, jsonWriteOptions(print, registry));
}

export function jsonText(json: JsonValue, print: PrintOptions): string {
  return JSON.stringify(json, null, print.add_whitespace ? 2 : undefined);
}
