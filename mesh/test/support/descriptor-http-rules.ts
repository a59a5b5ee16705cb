import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/** Field number of the google.api.http extension of MethodOptions (google/api/annotations.proto). */
const httpRuleField = 72295728;

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
