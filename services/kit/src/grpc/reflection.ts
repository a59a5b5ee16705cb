import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** Made by `make proto` from proto/ (the same descriptor set the edge transcodes with). */
export const defaultDescriptorSetPath = fileURLToPath(new URL('../../../../proto/gen/bookstore.binpb', import.meta.url));

/** Listed by every server besides its own services, as grpcurl and grpc-go servers list them. */
export const reflectionServiceNames = ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

const reflectionProtos = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');

/**
 * Server reflection over the bookstore contracts and grpc.health.v1, so `grpcurl -plaintext
 * host:port list` and `grpcurl ... grpc.health.v1.Health/Check` work without local protos. It lists
 * only the services this server answers (`served`), health and reflection: the descriptor set holds
 * every context's contracts, and a listed service the server does not serve answers UNIMPLEMENTED.
 */
export async function addReflectionService(server: Server, served: readonly string[], descriptorSetPath = defaultDescriptorSetPath): Promise<void> {
  const contracts = loadFileDescriptorSetFromBuffer(await readFile(descriptorSetPath));
  // Loaded by import path, so reflection names the files health/v1/health.proto and
  // grpc/reflection/v1/reflection.proto, not paths on this machine.
  const health = loadSync('health/v1/health.proto', { includeDirs: [resolve(dirname(healthProtoPath), '../..')] });
  const reflection = loadSync(['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'], { includeDirs: [reflectionProtos] });
  new ReflectionService({ ...reflection, ...health, ...contracts }, { services: [...served, ...reflectionServiceNames] }).addToServer(server);
}
