import { readFile } from 'node:fs/promises';
import { createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { defaultDescriptorSetPath } from './reflection.js';

/** Every message and service of the contracts, from the descriptor set `make proto` writes. */
export async function contractsRegistry(descriptorSetPath = defaultDescriptorSetPath): Promise<FileRegistry> {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, await readFile(descriptorSetPath)));
}
