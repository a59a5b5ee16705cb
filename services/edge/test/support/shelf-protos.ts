import { create, createFileRegistry, fromJson, toBinary, type FileRegistry, type JsonObject } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { bookstoreRegistry } from './bookstore-descriptors.js';

/**
 * A test-only contract, package edge.test.v1, with the shapes the catalog does not have (nested
 * request fields, a named body field, a custom verb, `**`, additional bindings, a literal that
 * competes with a variable). Written as descriptor JSON, with the google.api.http option as an
 * extension, so it needs no compiler.
 */
const packageName = 'edge.test.v1';
const shelfFileName = 'edge/test/v1/shelf.proto';

export interface RpcSpec {
  name: string;
  input: string;
  output: string;
  http?: JsonObject;
  streaming?: 'client' | 'server';
}

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
const scalar = (name: string, number: number, type: string): JsonObject => ({ name, number, type: `TYPE_${type}`, label: 'LABEL_OPTIONAL', jsonName: camel(name) });
const list = (field: JsonObject): JsonObject => ({ ...field, label: 'LABEL_REPEATED' });
const typed = (name: string, number: number, kind: 'MESSAGE' | 'ENUM', typeName: string): JsonObject => ({
  ...scalar(name, number, kind),
  typeName: typeName.startsWith('google.') ? `.${typeName}` : `.${packageName}.${typeName}`,
});
const message = (name: string, fields: JsonObject[]): JsonObject => ({ name, field: fields });

const messages: JsonObject[] = [
  message('Author', [scalar('name', 1, 'STRING'), scalar('id', 2, 'INT64')]),
  message('Filter', [typed('author', 1, 'MESSAGE', 'Author'), scalar('in_print', 2, 'BOOL')]),
  message('Shelf', [
    scalar('id', 1, 'INT64'),
    scalar('theme', 2, 'STRING'),
    list(typed('genres', 3, 'ENUM', 'Genre')),
    typed('create_time', 4, 'MESSAGE', 'google.protobuf.Timestamp'),
  ]),
  message('Book', [scalar('id', 1, 'INT64'), scalar('title', 2, 'STRING'), typed('author', 3, 'MESSAGE', 'Author'), typed('genre', 4, 'ENUM', 'Genre')]),
  message('ListBooksRequest', [
    scalar('shelf_id', 1, 'INT64'),
    list(typed('genres', 2, 'ENUM', 'Genre')),
    typed('filter', 3, 'MESSAGE', 'Filter'),
    scalar('include_drafts', 4, 'BOOL'),
    scalar('page_size', 5, 'INT32'),
    typed('published_after', 6, 'MESSAGE', 'google.protobuf.Timestamp'),
    scalar('min_rating', 7, 'DOUBLE'),
    scalar('cursor', 8, 'BYTES'),
    list(scalar('ids', 9, 'INT64')),
  ]),
  message('ListBooksResponse', [list(typed('books', 1, 'MESSAGE', 'Book')), scalar('next_page_token', 2, 'STRING')]),
  message('CreateBookRequest', [scalar('shelf_id', 1, 'INT64'), typed('book', 2, 'MESSAGE', 'Book')]),
  message('UpdateShelfRequest', [typed('shelf', 1, 'MESSAGE', 'Shelf')]),
  message('MoveBookRequest', [scalar('name', 1, 'STRING'), scalar('other_shelf_name', 2, 'STRING')]),
  message('GetObjectRequest', [scalar('path', 1, 'STRING')]),
  message('GetBookRequest', [scalar('shelf_id', 1, 'INT64'), scalar('id', 2, 'INT64')]),
  // Only for the rules the edge refuses: a response_body naming one of its fields.
  message('GetBookResponse', [typed('book', 1, 'MESSAGE', 'Book'), scalar('etag', 2, 'STRING')]),
];

export const shelfServiceRpcs: readonly RpcSpec[] = [
  { name: 'ListBooks', input: 'ListBooksRequest', output: 'ListBooksResponse', http: { get: '/v1/shelves/{shelf_id}/books' } },
  { name: 'ListFeaturedBooks', input: 'ListBooksRequest', output: 'ListBooksResponse', http: { get: '/v1/shelves/featured/books' } },
  { name: 'CreateBook', input: 'CreateBookRequest', output: 'Book', http: { post: '/v1/shelves/{shelf_id}/books', body: 'book' } },
  { name: 'UpdateShelf', input: 'UpdateShelfRequest', output: 'Shelf', http: { patch: '/v1/shelves/{shelf.id}', body: 'shelf' } },
  { name: 'MoveBook', input: 'MoveBookRequest', output: 'Book', http: { post: '/v1/{name=shelves/*/books/*}:move', body: '*' } },
  { name: 'GetObject', input: 'GetObjectRequest', output: 'Book', http: { get: '/v1/objects/{path=**}' } },
  { name: 'GetBook', input: 'GetBookRequest', output: 'Book', http: { get: '/v1/books/{id}', additional_bindings: [{ get: '/v1/shelves/{shelf_id}/books/{id}' }] } },
];

/** A registry of the bookstore descriptors plus edge.test.v1 with a ShelfService of the given rpcs. */
export function shelfRegistry(rpcs: readonly RpcSpec[] = shelfServiceRpcs): FileRegistry {
  const base = bookstoreRegistry();
  const file = fromJson(
    FileDescriptorProtoSchema,
    {
      name: shelfFileName,
      package: packageName,
      syntax: 'proto3',
      dependency: ['google/api/annotations.proto', 'google/protobuf/timestamp.proto'],
      enumType: [{ name: 'Genre', value: ['GENRE_UNSPECIFIED', 'FICTION', 'HISTORY'].map((name, number) => ({ name, number })) }],
      messageType: messages,
      service: [
        {
          name: 'ShelfService',
          method: rpcs.map((rpc) => ({
            name: rpc.name,
            inputType: `.${packageName}.${rpc.input}`,
            outputType: `.${packageName}.${rpc.output}`,
            clientStreaming: rpc.streaming === 'client',
            serverStreaming: rpc.streaming === 'server',
            ...(rpc.http === undefined ? {} : { options: { '[google.api.http]': rpc.http } }),
          })),
        },
      ],
    },
    { registry: base },
  );
  return createFileRegistry(file, (name) => base.getFile(name));
}

export const shelfService = `${packageName}.ShelfService`;

/** shelfRegistry(rpcs) as the descriptor set file `make proto` would write for it: every import included. */
export function shelfDescriptorSet(rpcs: readonly RpcSpec[]): Uint8Array {
  const shelf = shelfRegistry(rpcs).getFile(shelfFileName);
  if (shelf === undefined) throw new Error(`${shelfFileName} is missing from its own registry`);
  const files = [...bookstoreRegistry().files, shelf].map((file) => file.proto);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files }));
}
