/** A JSON value: what the generators build before it is written as YAML. */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

/** A protobuf `Any` in Envoy's JSON form. */
export function typed(typeName: string, fields: JsonObject = {}): JsonObject {
  return { '@type': `type.googleapis.com/${typeName}`, ...fields };
}
