import { fromBinary, toJson, type JsonObject, type JsonValue, type Registry } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { AnySchema, type Any } from '@bufbuild/protobuf/wkt';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import { jsonWriteOptions } from './response-json.js';

type PrintOptions = GrpcJsonTranscoderOptions['print_options'];

export interface RpcStatus {
  code: number;
  message: string;
  details: readonly Any[];
}

/**
 * google.rpc.Status from the grpc-status-details-bin trailer. The message is not in the descriptor
 * set (Envoy compiles it in too), so its three fields are read off the wire here: code = 1,
 * message = 2, details = 3 (google.protobuf.Any). Undefined when the trailer does not decode.
 */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  try {
    const reader = new BinaryReader(bytes);
    let code = 0;
    let message = '';
    const details: Any[] = [];
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === 1 && wireType === WireType.Varint) code = reader.int32();
      else if (fieldNo === 2 && wireType === WireType.LengthDelimited) message = reader.string();
      else if (fieldNo === 3 && wireType === WireType.LengthDelimited) details.push(fromBinary(AnySchema, reader.bytes()));
      else reader.skip(wireType);
    }
    return { code, message, details };
  } catch {
    return undefined;
  }
}

/**
 * The error body convert_grpc_status sends: google.rpc.Status as proto3 JSON under the chosen print
 * options, e.g. {"code": 5, "message": "book 9 not found", "details": []}. Details print as JSON Any
 * (`@type` plus the fields); that needs their types in the descriptor set, and a detail of an
 * unknown type is left out (it is named in `unresolvedDetails` for the log).
 */
export function rpcStatusJson(status: RpcStatus, print: PrintOptions, registry: Registry): { json: JsonObject; unresolvedDetails: string[] } {
  const details: JsonValue[] = [];
  const unresolvedDetails: string[] = [];
  for (const detail of status.details) {
    try {
      details.push(toJson(AnySchema, detail, jsonWriteOptions(print, registry)));
    } catch {
      unresolvedDetails.push(detail.typeUrl);
    }
  }
  const json: JsonObject = {};
  const always = print.always_print_primitive_fields;
  if (always || status.code !== 0) json.code = status.code;
  if (always || status.message !== '') json.message = status.message;
  if (always || details.length > 0) json.details = details;
  return { json, unresolvedDetails };
}
