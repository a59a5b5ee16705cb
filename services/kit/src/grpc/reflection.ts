import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** Made by `make proto` from proto/ (the same descriptor set the edge transcodes with). */
export const defaultDescriptorSetPath = fileURLToPath(new URL('../../../../proto/gen/bookstore.binpb', import.meta.url));

/**
 * Server reflection over the bookstore contracts and grpc.health.v1, so `grpcurl -plaintext
 * host:port list` and `grpcurl ... grpc.health.v1.Health/Check` work without local protos.
 */
export async function addReflectionService(server: Server, descriptorSetPath = defaultDescriptorSetPath): Promise<void> {
  const contracts = loadFileDescriptorSetFromBuffer(await readFile(descriptorSetPath));
  // Loaded by its import path, so reflection names the file health/v1/health.proto, not a path on this machine.
  const health = loadSync('health/v1/health.proto', { includeDirs: [resolve(dirname(healthProtoPath), '../..')] });
  new ReflectionService({ ...health, ...contracts }).addToServer(server);
}
