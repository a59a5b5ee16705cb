import type { DescEnum, DescField, DescMessage, ScalarType } from '@bufbuild/protobuf';

/** What one value of a field is, whether the field is singular or repeated. */
export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enum: DescEnum }
  | { kind: 'message'; message: DescMessage }
  | { kind: 'map'; value: ValueType };

export function valueType(field: DescField): ValueType {
  switch (field.fieldKind) {
    case 'scalar':
      return { kind: 'scalar', scalar: field.scalar };
    case 'enum':
      return { kind: 'enum', enum: field.enum };
    case 'message':
      return { kind: 'message', message: field.message };
    case 'list':
      switch (field.listKind) {
        case 'scalar':
          return { kind: 'scalar', scalar: field.scalar };
        case 'enum':
          return { kind: 'enum', enum: field.enum };
        case 'message':
          return { kind: 'message', message: field.message };
      }
      break;
    case 'map':
      switch (field.mapKind) {
        case 'scalar':
          return { kind: 'map', value: { kind: 'scalar', scalar: field.scalar } };
        case 'enum':
          return { kind: 'map', value: { kind: 'enum', enum: field.enum } };
        case 'message':
          return { kind: 'map', value: { kind: 'message', message: field.message } };
      }
  }
}

/** Well-known types whose JSON form is a string (RFC 3339 time, "1.5s", "a,b.c"). */
export const stringJsonMessages: ReadonlySet<string> = new Set([
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.FieldMask',
]);

/** Wrapper types: their JSON form is the JSON of their single `value` field. */
export const wrapperMessages: ReadonlySet<string> = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

/** Well-known types with a JSON form of their own, so their JSON is not an object of their fields. */
export function hasSpecialJson(message: DescMessage): boolean {
  return (
    stringJsonMessages.has(message.typeName) ||
    wrapperMessages.has(message.typeName) ||
    ['google.protobuf.Any', 'google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue'].includes(message.typeName)
  );
}
