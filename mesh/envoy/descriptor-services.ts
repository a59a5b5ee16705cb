import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, fromBinary, hasExtension } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { repoRoot } from './generated-files.js';

/** The gRPC services of the descriptor set `make proto` writes. */
export interface DescriptorServices {
  /** Every service, fully qualified. */
  all: string[];
  /** Services with at least one `google.api.http` rule: the ones REST can reach. */
  withHttpRules: string[];
}

export const descriptorSetFile = join(repoRoot, 'proto/gen/bookstore.binpb');

export function readDescriptorSet(path = descriptorSetFile): Uint8Array {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`make proto\` first`);
  return readFileSync(path);
}

/**
 * The error details services send (grpc-status-details-bin): Envoy's convert_grpc_status prints a
 * detail as JSON only when its type is in the descriptor set, and leaves it out otherwise.
 */
export const errorDetailTypes = ['google.rpc.Status', 'google.rpc.ErrorInfo', 'google.rpc.BadRequest'];

export function descriptorServices(descriptorSet: Uint8Array): DescriptorServices {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const httpRule = registry.getExtension('google.api.http');
  if (httpRule === undefined) throw new Error('the descriptor set lacks google/api/annotations.proto (built without --include-imports?)');
  const missing = errorDetailTypes.filter((typeName) => registry.getMessage(typeName) === undefined);
  if (missing.length > 0) throw new Error(`the descriptor set lacks ${missing.join(', ')} (google/rpc, copied by make proto): REST errors would lose their details`);
  const all: string[] = [];
  const withHttpRules: string[] = [];
  for (const file of registry.files) {
    for (const service of file.services) {
      all.push(service.typeName);
      const routed = service.methods.some((method) => method.proto.options !== undefined && hasExtension(method.proto.options, httpRule));
      if (routed) withHttpRules.push(service.typeName);
    }
  }
  return { all: all.sort(), withHttpRules: withHttpRules.sort() };
}
