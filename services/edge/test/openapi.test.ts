import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { edgePort, meshServices } from '../../../mesh/policy/services.js';
import { apiReferencePath, apiReferenceYaml } from '../src/openapi/api-reference.js';
import { errorModelOf } from '../src/openapi/error-model.js';
import { openApiDocument } from '../src/openapi/openapi-document.js';
import { RouteTable } from '../src/routing/route-table.js';
import { edgeDeadlines, grpcJsonTranscoderOptions } from '../src/transcoding-options.js';
import { bookstoreRegistry } from './support/bookstore-descriptors.js';

type Node = { [key: string]: unknown };
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

function child(node: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((current, key) => (isNode(current) ? current[key] : undefined), node);
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isNode(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

describe('edge: the API reference (OpenAPI, generated from the protos)', () => {
  const registry = bookstoreRegistry();
  const routes = RouteTable.build(registry, meshServices.flatMap((service) => service.grpcServices));
  const document: unknown = parse(apiReferenceYaml(registry));

  it('the committed reference is what the generator makes of the protos (else: node --import tsx services/edge/src/openapi/generate.ts)', () => {
    expect(readFileSync(apiReferencePath, 'utf8')).to.equal(apiReferenceYaml(registry));
  });

  it('documents every route the edge serves, once, with a unique operationId', () => {
    const operations = routes.routes.map((route) => {
      const path = `/${route.template.source.slice(1).replace(/\{([^}=]+)(=[^}]*)?\}/g, (_, field: string) => `{${field.replace(/_([a-z])/g, (__, letter: string) => letter.toUpperCase())}}`)}`;
      return child(document, 'paths', path, route.httpMethod.toLowerCase());
    });
    expect(operations.every(isNode), 'an operation per route').to.equal(true);
    const ids = operations.map((operation) => child(operation, 'operationId'));
    expect(new Set(ids).size).to.equal(routes.routes.length);
  });

  it('declares each path variable as a required path parameter', () => {
    const paths = child(document, 'paths');
    for (const [path, item] of Object.entries(isNode(paths) ? paths : {})) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(isNode(item) ? item : {})) {
        const parameters = child(operation, 'parameters');
        const declared = (Array.isArray(parameters) ? parameters : []).filter((parameter) => child(parameter, 'in') === 'path');
        expect(declared.map((parameter) => child(parameter, 'name')), path).to.deep.equal(names);
        expect(declared.every((parameter) => child(parameter, 'required') === true), path).to.equal(true);
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const schemas = child(document, 'components', 'schemas');
    for (const ref of refsIn(document)) {
      expect(ref).to.match(/^#\/components\/schemas\//);
      expect(child(schemas, ref.replace('#/components/schemas/', '')), ref).to.satisfy(isNode);
    }
  });

  it('describes operations, fields and enum values with the comments of the protos', () => {
    expect(child(document, 'paths', '/books/{id}', 'get', 'summary')).to.equal('One book by id.');
    const book = child(document, 'components', 'schemas', 'bookstore.catalog.v1.Book', 'properties');
    expect(child(book, 'bookName', 'description')).to.equal('1..200 characters.');
    expect(child(book, 'stock')).to.deep.include({ type: 'string', format: 'int64' });
    expect(child(document, 'components', 'schemas', 'bookstore.catalog.v1.DeliverableState', 'description')).to.contain('- WAITING: Waiting for stock.');
  });

  it('documents the error details: ErrorInfo with every stable reason, and BadRequest', () => {
    const details = child(document, 'components', 'schemas', 'google.rpc.Status', 'properties', 'details', 'items', 'oneOf');
    expect(refsIn(details)).to.include.members(['#/components/schemas/google.rpc.ErrorInfo', '#/components/schemas/google.rpc.BadRequest', '#/components/schemas/bookstore.errors.v1.ErrorReason']);
    const reasons = child(document, 'components', 'schemas', 'bookstore.errors.v1.ErrorReason');
    expect(child(reasons, 'enum')).to.include.members(['INVALID_FIELD', 'BOOK_NOT_FOUND', 'COUPON_ALREADY_USED', 'ORDER_NOT_CANCELLABLE']);
    expect(child(reasons, 'description')).to.contain('- ORDER_NOT_CANCELLABLE: FAILED_PRECONDITION: only an ORDERED order can be cancelled');
    expect(child(document, 'components', 'schemas', 'bookstore.order.v1.Order', 'properties', 'couponId', 'description')).to.equal('Absent when the order uses no coupon.');
  });

  it('documents the returned resource as the body: GET /books/{id} answers a Book', () => {
    expect(child(document, 'paths', '/books/{id}', 'get', 'responses', '200', 'content', 'application/json', 'schema')).to.deep.equal({
      $ref: '#/components/schemas/bookstore.catalog.v1.Book',
    });
  });

  it('follows the print options: with proto field names the schemas and parameters say book_name, page_size', () => {
    const protoNames = openApiDocument(routes, {
      options: { ...grpcJsonTranscoderOptions, print_options: { ...grpcJsonTranscoderOptions.print_options, preserve_proto_field_names: true } },
      serverUrl: `http://localhost:${edgePort}`,
      grpcTimeoutHeaderMaxMs: edgeDeadlines.grpcTimeoutHeaderMaxMs,
      errorModel: errorModelOf(registry),
    });
    expect(child(protoNames, 'components', 'schemas', 'bookstore.catalog.v1.Book', 'properties')).to.have.property('book_name');
    const parameters = child(protoNames, 'paths', '/books', 'get', 'parameters');
    expect((Array.isArray(parameters) ? parameters : []).map((parameter) => child(parameter, 'name'))).to.include('page_size');
  });
});
