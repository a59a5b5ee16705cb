import { toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { AnySchema, type Any } from '@bufbuild/protobuf/wkt';

/** A serialized google.rpc.Status, as a service sends it in grpc-status-details-bin. */
export function rpcStatusBytes(code: number, message: string, details: readonly Any[]): Buffer {
  const writer = new BinaryWriter().tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message);
  for (const detail of details) writer.tag(3, WireType.LengthDelimited).bytes(toBinary(AnySchema, detail));
  return Buffer.from(writer.finish());
}
