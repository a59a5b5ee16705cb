import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { protoComment } from '../descriptors/proto-comments.js';
import { valueType, wrapperMessages, type ValueType } from '../descriptors/value-type.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';

/** An OpenAPI 3.1 Schema Object (JSON Schema 2020-12), as plain data for YAML. */
export type SchemaObject = { [keyword: string]: SchemaValue };
type SchemaValue = string | number | boolean | readonly SchemaValue[] | SchemaObject;

type PrintOptions = GrpcJsonTranscoderOptions['print_options'];

const scalarSchemas: Readonly<Record<ScalarType, SchemaObject>> = {
  [ScalarType.DOUBLE]: { type: 'number', format: 'double' },
  [ScalarType.FLOAT]: { type: 'number', format: 'float' },
  [ScalarType.INT64]: { type: 'string', format: 'int64', pattern: '^(0|-?[1-9][0-9]*)$' },
  [ScalarType.SINT64]: { type: 'string', format: 'int64', pattern: '^(0|-?[1-9][0-9]*)$' },
  [ScalarType.SFIXED64]: { type: 'string', format: 'int64', pattern: '^(0|-?[1-9][0-9]*)$' },
  [ScalarType.UINT64]: { type: 'string', format: 'uint64', pattern: '^(0|[1-9][0-9]*)$' },
  [ScalarType.FIXED64]: { type: 'string', format: 'uint64', pattern: '^(0|[1-9][0-9]*)$' },
  [ScalarType.INT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SINT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SFIXED32]: { type: 'integer', format: 'int32' },
  [ScalarType.UINT32]: { type: 'integer', format: 'uint32', minimum: 0 },
  [ScalarType.FIXED32]: { type: 'integer', format: 'uint32', minimum: 0 },
  [ScalarType.BOOL]: { type: 'boolean' },
  [ScalarType.STRING]: { type: 'string' },
  [ScalarType.BYTES]: { type: 'string', format: 'byte', description: 'base64' },
};

/** Well-known types with a JSON form of their own (https://protobuf.dev/programming-guides/json/). */
const wellKnownSchemas: Readonly<Record<string, SchemaObject>> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time', description: 'RFC 3339, e.g. 2024-01-02T03:04:05Z' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$', description: 'seconds with an "s" suffix, e.g. 1.5s' },
  'google.protobuf.FieldMask': { type: 'string', description: 'comma-separated lowerCamelCase field paths' },
  'google.protobuf.Empty': { type: 'object' },
  'google.protobuf.Struct': { type: 'object', additionalProperties: true },
  'google.protobuf.Value': {},
  'google.protobuf.ListValue': { type: 'array', items: {} },
  'google.protobuf.Any': { type: 'object', properties: { '@type': { type: 'string' } }, required: ['@type'], additionalProperties: true },
};

/**
 * JSON Schemas of proto messages and enums in their proto3 JSON form, as the edge prints and reads
 * them under the chosen print options. Messages and enums become named components (their full
 * proto name), collected while the document refers to them.
 */
export class JsonSchemas {
  private readonly components = new Map<string, SchemaObject>();

  constructor(private readonly print: PrintOptions) {}

  /** The JSON name of a field under the print options. */
  jsonName(field: DescField): string {
    return this.print.preserve_proto_field_names ? field.name : field.jsonName;
  }

  /** A field's schema (list, map or single value) with its comment as description. */
  field(field: DescField): SchemaObject {
    return withDescription(this.fieldType(field), protoComment(field));
  }

  /** A field's schema without description (a parameter carries the description itself). */
  fieldType(field: DescField): SchemaObject {
    const type = valueType(field);
    if (field.fieldKind === 'list') return { type: 'array', items: this.value(type) };
    return this.value(type);
  }

  /** A message as an object schema, optionally without some of its fields (those bound by the path). */
  message(message: DescMessage, without: ReadonlySet<DescField> = new Set()): SchemaObject {
    const properties: SchemaObject = {};
    for (const field of message.fields) if (!without.has(field)) properties[this.jsonName(field)] = this.field(field);
    return withDescription({ type: 'object', properties }, protoComment(message));
  }

  /** A reference to the component of `message`, defining the component on first use. */
  messageRef(message: DescMessage): SchemaObject {
    const known = wellKnownSchemas[message.typeName];
    if (known !== undefined) return known;
    const wrapped = message.fields[0];
    if (wrapperMessages.has(message.typeName) && wrapped !== undefined) return this.value(valueType(wrapped));
    if (!this.components.has(message.typeName)) {
      // Registered before its fields are walked, so a message that contains itself ends the walk.
      this.components.set(message.typeName, {});
      this.components.set(message.typeName, this.message(message));
    }
    return { $ref: `#/components/schemas/${message.typeName}` };
  }

  /** Every component referred to so far, by name. */
  schemas(): SchemaObject {
    return Object.fromEntries([...this.components.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Adds a component defined outside the descriptors (google.rpc.Status). */
  define(name: string, schema: SchemaObject): SchemaObject {
    this.components.set(name, schema);
    return { $ref: `#/components/schemas/${name}` };
  }

  private value(type: ValueType): SchemaObject {
    switch (type.kind) {
      case 'scalar':
        return scalarSchemas[type.scalar];
      case 'enum':
        return this.enumRef(type.enum);
      case 'message':
        return this.messageRef(type.message);
      case 'map':
        return { type: 'object', additionalProperties: this.value(type.value) };
    }
  }

  enumRef(enumeration: DescEnum): SchemaObject {
    if (!this.components.has(enumeration.typeName)) {
      const values = enumeration.values.map((value) => {
        const comment = protoComment(value);
        return comment === undefined ? `- ${value.name}` : `- ${value.name}: ${comment}`;
      });
      const description = [protoComment(enumeration), values.join('\n')].filter((part) => part !== undefined).join('\n\n');
      const schema: SchemaObject = this.print.always_print_enums_as_ints
        ? { type: 'integer', format: 'int32', enum: enumeration.values.map((value) => value.number) }
        : { type: 'string', enum: enumeration.values.map((value) => value.name) };
      this.components.set(enumeration.typeName, { ...schema, description });
    }
    return { $ref: `#/components/schemas/${enumeration.typeName}` };
  }
}

function withDescription(schema: SchemaObject, description: string | undefined): SchemaObject {
  return description === undefined ? schema : { ...schema, description };
}
