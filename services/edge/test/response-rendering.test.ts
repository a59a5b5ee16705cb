import { expect } from 'chai';
import { create, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { anyPack, AnySchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { RouteTable, type Route } from '../src/routing/route-table.js';
import { responseJson } from '../src/transcode/response-json.js';
import { decodeRpcStatus, rpcStatusJson } from '../src/transcode/rpc-status.js';
import { grpcJsonTranscoderOptions, type GrpcJsonTranscoderOptions } from '../src/transcoding-options.js';
import { rpcStatusBytes } from './support/rpc-status-bytes.js';
import { shelfRegistry, shelfService } from './support/shelf-protos.js';

const registry = shelfRegistry();
const table = RouteTable.build(registry, [shelfService]);
const chosen: GrpcJsonTranscoderOptions['print_options'] = grpcJsonTranscoderOptions.print_options;

function route(method: string, path: string): Route {
  const match = table.lookup(method, path);
  if (match === undefined) throw new Error(`no route for ${method} ${path}`);
  return match.route;
}

function rendered(method: string, path: string, response: JsonValue, print = chosen): JsonValue {
  const target = route(method, path);
  return responseJson(target, fromJson(target.method.output, response), print, registry);
}

describe('edge: rendering responses and errors', () => {
  describe('with the chosen print options', () => {
    it('renders int64 as strings (beyond 2^53 too), enums by name, lowerCamelCase names', () => {
      const response = { books: [{ id: '9007199254740993', genre: 'FICTION' }], nextPageToken: 'p2' };
      expect(rendered('GET', '/v1/shelves/1/books', response)).to.deep.equal({
        books: [{ id: '9007199254740993', title: '', genre: 'FICTION' }],
        nextPageToken: 'p2',
      });
    });

    it('prints empty fields: zero numbers, empty strings and lists, the zero enum; not unset messages', () => {
      expect(rendered('GET', '/v1/shelves/1/books', {})).to.deep.equal({ books: [], nextPageToken: '' });
      expect(rendered('POST', '/v1/shelves/1/books', {})).to.deep.equal({ id: '0', title: '', genre: 'GENRE_UNSPECIFIED' });
    });

    it('sends the whole response: a method that returns the resource answers the resource itself', () => {
      expect(rendered('GET', '/v1/books/1', { id: '1', title: 'Dune', author: { name: 'Herbert' } })).to.deep.equal({
        id: '1',
        title: 'Dune',
        author: { name: 'Herbert', id: '0' },
        genre: 'GENRE_UNSPECIFIED',
      });
    });
  });

  it('follows other print options the same way (proto names, enums as numbers, no empty fields)', () => {
    const print = { add_whitespace: false, always_print_primitive_fields: false, always_print_enums_as_ints: true, preserve_proto_field_names: true };
    expect(rendered('GET', '/v1/shelves/1/books', { books: [{ id: '7', genre: 'HISTORY' }], nextPageToken: 'p2' }, print)).to.deep.equal({
      books: [{ id: '7', genre: 2 }],
      next_page_token: 'p2',
    });
  });

  describe('google.rpc.Status (convert_grpc_status)', () => {
    it('is {code, message, details: []} under always_print_primitive_fields', () => {
      expect(rpcStatusJson({ code: 5, message: 'book 9 not found', details: [] }, chosen, registry).json).to.deep.equal({
        code: 5,
        message: 'book 9 not found',
        details: [],
      });
    });

    it('leaves empty fields out without it', () => {
      const print = { ...chosen, always_print_primitive_fields: false };
      expect(rpcStatusJson({ code: 5, message: 'gone', details: [] }, print, registry).json).to.deep.equal({ code: 5, message: 'gone' });
    });

    it('is read from grpc-status-details-bin, details printed as JSON Any of types in the descriptor set', () => {
      const timestamp = anyPack(TimestampSchema, create(TimestampSchema, { seconds: 0n }));
      const stranger = create(AnySchema, { typeUrl: 'type.googleapis.com/nowhere.Detail', value: new Uint8Array([8, 1]) });
      const status = decodeRpcStatus(rpcStatusBytes(9, 'not now', [timestamp, stranger]));
      expect(status?.code).to.equal(9);
      const { json, unresolvedDetails } = rpcStatusJson(status ?? { code: 0, message: '', details: [] }, chosen, registry);
      expect(json).to.deep.equal({
        code: 9,
        message: 'not now',
        details: [{ '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '1970-01-01T00:00:00Z' }],
      });
      expect(unresolvedDetails).to.deep.equal(['type.googleapis.com/nowhere.Detail']);
    });

    it('is not read from a trailer that does not decode', () => {
      expect(decodeRpcStatus(new Uint8Array([0x0a, 0xff]))).to.equal(undefined);
    });
  });
});
