import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { handleBidiStreamingCall, Server, ServerDuplexStream, ServiceDefinition, UntypedHandleCall } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from '@grpc/proto-loader';
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
 *
 * Built at the first reflection call, not at start: reading every contract into protobufjs and
 * indexing it cost each service about 0.5 s of CPU at start and its memory for good (make profile),
 * and most processes are never asked. Only the reflection services' own definitions are made now.
 */
export function addReflectionService(server: Server, served: readonly string[], descriptorSetPath = defaultDescriptorSetPath): void {
  let handlers: Map<string, UntypedHandleCall> | undefined;
  const handlerOf = (path: string): UntypedHandleCall | undefined => {
    handlers ??= reflectionHandlers(new ReflectionService(reflectedPackage(descriptorSetPath), { services: [...served, ...reflectionServiceNames] }));
    return handlers.get(path);
  };
  // The same definitions the library registers (its proto-loader options), from an instance that reflects nothing.
  for (const [path, definition] of reflectionDefinitions()) {
    server.addService(definition, {
      [methodName]: (stream: ServerDuplexStream<unknown, unknown>) => {
        const handler = handlerOf(path) as handleBidiStreamingCall<unknown, unknown>;
        handler(stream);
      },
    });
  }
}

/** The reflection method, the only one of grpc.reflection.v1(alpha).ServerReflection. */
const methodName = 'ServerReflectionInfo';

/** What the library's `addToServer` registers, by method path. */
function registered(service: ReflectionService): Map<string, { definition: ServiceDefinition; handler: UntypedHandleCall }> {
  const byPath = new Map<string, { definition: ServiceDefinition; handler: UntypedHandleCall }>();
  service.addToServer({
    addService: (definition, implementation) => {
      const path = definition[methodName]?.path;
      const handler = implementation[methodName];
      if (path === undefined || handler === undefined) throw new Error(`@grpc/reflection registered a service without ${methodName}`);
      byPath.set(path, { definition, handler });
    },
  });
  return byPath;
}

function reflectionDefinitions(): [string, ServiceDefinition][] {
  return [...registered(new ReflectionService({}, { services: [] }))].map(([path, { definition }]) => [path, definition]);
}

function reflectionHandlers(service: ReflectionService): Map<string, UntypedHandleCall> {
  return new Map([...registered(service)].map(([path, { handler }]) => [path, handler]));
}

/** The contracts, health and reflection, as reflection describes them. */
function reflectedPackage(descriptorSetPath: string): PackageDefinition {
  const contracts = loadFileDescriptorSetFromBuffer(readFileSync(descriptorSetPath));
  // Loaded by import path, so reflection names the files health/v1/health.proto and
  // grpc/reflection/v1/reflection.proto, not paths on this machine.
  const health = loadSync('health/v1/health.proto', { includeDirs: [resolve(dirname(healthProtoPath), '../..')] });
  const reflection = loadSync(['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'], { includeDirs: [reflectionProtos] });
  return { ...reflection, ...health, ...contracts };
}
