import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FileRegistry } from '@bufbuild/protobuf';
import { loadDescriptorSet } from '../../src/descriptors/load-descriptor-set.js';

/** The descriptor set `make proto` writes: the real contracts the edge serves. */
export const descriptorSetPath = fileURLToPath(new URL('../../../../proto/gen/bookstore.binpb', import.meta.url));

let registry: FileRegistry | undefined;

export function bookstoreRegistry(): FileRegistry {
  if (!existsSync(descriptorSetPath)) throw new Error(`${descriptorSetPath} is missing: run \`make proto\` first`);
  registry ??= loadDescriptorSet(descriptorSetPath);
  return registry;
}
