import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/** The descriptor set `make proto` writes (imports included), as a registry of every type in it. */
export function loadDescriptorSet(path: string): FileRegistry {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the descriptor set ${path} (run \`make proto\`): ${(error as Error).message}`, { cause: error });
  }
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
}
