import { readFileSync } from 'node:fs';
import { credentials, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { expect } from 'chai';
import { GrpcReflection } from 'grpc-js-reflection-client';
import { defaultDescriptorSetPath, reflectionServiceNames } from '#kit/grpc/reflection.js';
import { startGrpcServer } from '#kit/grpc/server.js';
import { meshServices } from '#mesh/policy/services.js';
import { memoryLog } from './support/memory-log.js';
import { startTestCatalog, type TestCatalog } from './support/test-catalog.js';

/** grpc-js-reflection-client, an independent reflection client, asked the way grpcurl asks: list, describe, call. */
const reflectionOf = (address: string): GrpcReflection => new GrpcReflection(address, credentials.createInsecure());
const contracts = loadFileDescriptorSetFromBuffer(readFileSync(defaultDescriptorSetPath));

describe('server reflection per service (grpc-js-reflection-client)', () => {
  for (const meshService of meshServices) {
    it(`${meshService.name} lists exactly its own services, health and reflection`, async () => {
      const services = meshService.grpcServices.map((name) => ({ definition: contracts[name] as ServiceDefinition, implementation: {} }));
      const server = await startGrpcServer({ service: meshService.name, host: '127.0.0.1', port: 0, services, log: memoryLog().log });
      try {
        const listed = await reflectionOf(`127.0.0.1:${server.port}`).listServices('*', { deadline: Date.now() + 10_000 });
        expect([...listed].sort()).to.deep.equal([...meshService.grpcServices, ...reflectionServiceNames].sort());
      } finally {
        await server.shutdown(0);
      }
    });
  }

  describe('describe and call with JSON, with nothing but reflection', () => {
    let catalog: TestCatalog;
    before(async () => { catalog = await startTestCatalog(memoryLog().log); });
    after(() => catalog.server.shutdown(0));

    it('describes CatalogService and calls GetBook from the reflected descriptor', async () => {
      const reflection = reflectionOf(catalog.address);
      const methods = await reflection.listMethods('bookstore.catalog.v1.CatalogService', { deadline: Date.now() + 10_000 });
      expect(methods.map((method) => method.name)).to.include.members(['GetBook', 'CreateBook', 'ListBooks']);

      const descriptor = await reflection.getDescriptorBySymbol('bookstore.catalog.v1.CatalogService', { deadline: Date.now() + 10_000 });
      const packageObject = descriptor.getPackageObject({ longs: String, defaults: true });
      const CatalogService = (((packageObject['bookstore'] as GrpcObject)['catalog'] as GrpcObject)['v1'] as GrpcObject)['CatalogService'] as ServiceClientConstructor;
      const client = new CatalogService(catalog.address, credentials.createInsecure());
      try {
        const book = await new Promise<Record<string, unknown>>((resolve, reject) => {
          client['GetBook']?.({ id: '7' }, { deadline: Date.now() + 10_000 }, (error: Error | null, response: Record<string, unknown>) => {
            if (error === null) resolve(response);
            else reject(error);
          });
        });
        expect(book).to.include({ id: '7', book_name: 'Book 7', price: '1200' });
      } finally {
        client.close();
      }
    });
  });
});
