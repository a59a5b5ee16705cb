import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { CatalogServiceClient, type Book, type GetBookRequest } from '#contracts/catalog/v1/catalog.js';

/** Plain clients, independent of the kit's, to look at a server from outside. */

export function rawCatalog(address: string): CatalogServiceClient {
  return new CatalogServiceClient(address, credentials.createInsecure());
}

export function rawGetBook(client: CatalogServiceClient, request: GetBookRequest, metadata = new Metadata()): Promise<Book> {
  return new Promise((resolve, reject) => {
    client.getBook(request, metadata, { deadline: Date.now() + 10_000 }, (error, response) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}

/** GetBook with request bytes of the test's making, such as an int64 no generated encoder writes. */
export function rawGetBookBytes(client: Client, request: Uint8Array): Promise<Book> {
  return new Promise((resolve, reject) => {
    const method = CatalogServiceClient.service.getBook;
    client.makeUnaryRequest(method.path, (bytes: Uint8Array) => Buffer.from(bytes), method.responseDeserialize, request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => {
      if (error === null && response !== undefined) resolve(response);
      else reject(error ?? new Error('no response'));
    });
  });
}

export async function callError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded but was expected to fail');
}

/** Health statuses a grpc.health.v1 Watch stream reports, as they arrive. */
export function watchHealth(address: string, service = ''): { statuses: string[]; client: Client; stop: () => void } {
  const client = new Client(address, credentials.createInsecure());
  const watch = method(healthService, 'Watch');
  const statuses: string[] = [];
  const stream = client.makeServerStreamRequest(watch.path, watch.requestSerialize, watch.responseDeserialize, { service });
  stream.on('data', (message: object) => { statuses.push(field(message, 'status')); });
  stream.on('error', () => undefined);
  return { statuses, client, stop: () => { stream.cancel(); client.close(); } };
}

const reflectionProtos = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');
const reflection = loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [reflectionProtos] });

/** Asks grpc.reflection.v1 for the services and for the file that defines `symbol`, as grpcurl does. */
export function reflect(address: string, symbol: string): Promise<{ services: string[]; fileCount: number }> {
  const client = new Client(address, credentials.createInsecure());
  const info = method(reflection['grpc.reflection.v1.ServerReflection'], 'ServerReflectionInfo');
  return new Promise((resolve, reject) => {
    const result = { services: [] as string[], fileCount: 0 };
    const stream = client.makeBidiStreamRequest(info.path, info.requestSerialize, info.responseDeserialize);
    stream.on('data', (message: object) => {
      if ('listServicesResponse' in message && message.listServicesResponse !== null) {
        result.services = list(message.listServicesResponse, 'service').map((entry) => field(entry, 'name'));
      }
      if ('fileDescriptorResponse' in message && message.fileDescriptorResponse !== null) {
        result.fileCount = list(message.fileDescriptorResponse, 'fileDescriptorProto').length;
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      client.close();
      resolve(result);
    });
    stream.write({ listServices: '*' });
    stream.write({ fileContainingSymbol: symbol });
    stream.end();
  });
}

function method(definition: unknown, name: string): MethodDefinition<object, object> {
  if (typeof definition !== 'object' || definition === null || !(name in definition)) throw new Error(`no method ${name}`);
  return (definition as Record<string, MethodDefinition<object, object>>)[name] as MethodDefinition<object, object>;
}

function field(message: unknown, name: string): string {
  const value = typeof message === 'object' && message !== null ? (message as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : String(value);
}

function list(message: unknown, name: string): unknown[] {
  const value = typeof message === 'object' && message !== null ? (message as Record<string, unknown>)[name] : undefined;
  return Array.isArray(value) ? value : [];
}
