import { createFileRegistry, fromBinary, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/** Field number of the google.api.http extension of MethodOptions (google/api/annotations.proto). */
const httpRuleField = 72295728;
/** Field numbers in google.api.HttpRule. */
const additionalBindingsField = 11;
const responseBodyField = 12;

/**
 * Services with HTTP rules, read straight off the raw options bytes rather than through the
 * extension registry the generator uses, so the check does not share the generator's mistakes.
 */
export function servicesWithHttpRules(descriptorSet: Uint8Array): string[] {
  const set = fromBinary(FileDescriptorSetSchema, descriptorSet);
  return set.file
    .flatMap((file) =>
      file.service
        .filter((service) => service.method.some((method) => method.options?.$unknown?.some((field) => field.no === httpRuleField) === true))
        .map((service) => `${file.package}.${service.name}`),
    )
    .sort();
}

/** One HTTP rule (or additional binding) that sets response_body, and the type of the field it names. */
export interface ResponseBodyRule {
  method: string;
  responseBody: string;
  /** Fully qualified; undefined when the path names no field or a field that is not a message. */
  fieldType: string | undefined;
}

/**
 * Every HTTP rule with a response_body, from the raw HttpRule bytes. Envoy's transcoder refuses to
 * start when one names a field that is not a google.api.HttpBody (envoyproxy/envoy#11136).
 */
export function responseBodyRules(descriptorSet: Uint8Array): ResponseBodyRule[] {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  return [...registry.files].flatMap((file) =>
    file.services.flatMap((service) =>
      service.methods.flatMap((method) =>
        (method.proto.options?.$unknown ?? [])
          .filter((field) => field.no === httpRuleField)
          .flatMap((field) => responseBodies(new BinaryReader(field.data).bytes()))
          .map((responseBody) => ({ method: `${service.typeName}.${method.name}`, responseBody, fieldType: fieldType(method.output, responseBody) })),
      ),
    ),
  );
}

/** The response_body of an encoded HttpRule and of its additional_bindings. */
function responseBodies(rule: Uint8Array): string[] {
  const reader = new BinaryReader(rule);
  const found: string[] = [];
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === responseBodyField && wireType === WireType.LengthDelimited) found.push(reader.string());
    else if (no === additionalBindingsField && wireType === WireType.LengthDelimited) found.push(...responseBodies(reader.bytes()));
    else reader.skip(wireType, no);
  }
  return found.filter((path) => path !== '');
}

function fieldType(message: DescMessage, path: string): string | undefined {
  let current: DescMessage | undefined = message;
  for (const name of path.split('.')) {
    const field: DescField | undefined = current?.fields.find((candidate) => candidate.name === name || candidate.jsonName === name);
    current = field?.fieldKind === 'message' ? field.message : undefined;
  }
  return current?.typeName;
}
