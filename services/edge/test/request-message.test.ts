import { expect } from 'chai';
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { RouteTable } from '../src/routing/route-table.js';
import { queryBindings } from '../src/transcode/query-bindings.js';
import { parseQueryParameters } from '../src/transcode/query-parameters.js';
import { requestMessage } from '../src/transcode/request-message.js';
import { TranscodeError } from '../src/transcode/transcode-error.js';
import { grpcJsonTranscoderOptions, type GrpcJsonTranscoderOptions } from '../src/transcoding-options.js';
import { shelfRegistry, shelfService } from './support/shelf-protos.js';

const registry = shelfRegistry();
const table = RouteTable.build(registry, [shelfService]);

/** The gRPC request (as compact proto3 JSON) the edge builds for one REST request. */
function grpcRequest(method: string, url: string, body = '', options: GrpcJsonTranscoderOptions = grpcJsonTranscoderOptions): JsonValue {
  const [path = '/', query = ''] = url.split('?');
  const match = table.lookup(method, path);
  if (match === undefined) throw new Error(`no route for ${method} ${path}`);
  const parameters = parseQueryParameters(query, options.query_param_unescape_plus);
  const values = [...match.pathValues, ...queryBindings(match.route, parameters, options)];
  return toJson(match.route.method.input, requestMessage(match.route, values, body, options, registry));
}

/** The 400 the edge answers instead, by its message. */
function rejection(method: string, url: string, body = '', options: GrpcJsonTranscoderOptions = grpcJsonTranscoderOptions): string {
  try {
    grpcRequest(method, url, body, options);
  } catch (error) {
    if (!(error instanceof TranscodeError)) throw error;
    expect(error.httpStatus).to.equal(400);
    expect(error.code).to.equal(3);
    return error.message;
  }
  throw new Error(`${method} ${url} was not rejected`);
}

const withOptions = (changes: Partial<GrpcJsonTranscoderOptions>): GrpcJsonTranscoderOptions => ({ ...grpcJsonTranscoderOptions, ...changes });

describe('edge: building the gRPC request from path, query and body', () => {
  describe('path and query parameters', () => {
    it('bind nested fields with dotted names (?a.b.c=)', () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books?filter.author.name=Ann&filter.in_print=yes')).to.deep.equal({
        shelfId: '1',
        filter: { author: { name: 'Ann' }, inPrint: true },
      });
    });

    it('bind repeated fields once per occurrence, enums by name or number', () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books?genres=FICTION&genres=2&ids=10&ids=11')).to.deep.equal({
        shelfId: '1',
        genres: ['FICTION', 'HISTORY'],
        ids: ['10', '11'],
      });
    });

    it('convert each scalar and string-valued well-known type from its URL text', () => {
      const url = '/v1/shelves/1/books?include_drafts=1&page_size=20&min_rating=4.5&cursor=AAE%3D&published_after=2024-01-02T03:04:05Z';
      expect(grpcRequest('GET', url)).to.deep.equal({
        shelfId: '1',
        includeDrafts: true,
        pageSize: 20,
        minRating: 4.5,
        cursor: 'AAE=',
        publishedAfter: '2024-01-02T03:04:05Z',
      });
    });

    it('accept the proto name and the JSON name of a field; the last of a repeated singular parameter wins', () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books?page_size=1&pageSize=2')).to.deep.equal({ shelfId: '1', pageSize: 2 });
    });

    it('skip a parameter without "="', () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books?flag')).to.deep.equal({ shelfId: '1' });
    });

    it('name the field of a value of the wrong type', () => {
      expect(rejection('GET', '/v1/shelves/x/books')).to.equal('shelfId: "x" is not a valid int64');
      expect(rejection('GET', '/v1/shelves/1/books?page_size=many')).to.equal('pageSize: "many" is not a valid int32');
      expect(rejection('GET', '/v1/shelves/1/books?include_drafts=maybe')).to.equal('includeDrafts: "maybe" is not a valid bool');
      expect(rejection('GET', '/v1/shelves/1/books?genres=POETRY')).to.equal('genres: "POETRY" is not a valid edge.test.v1.Genre (GENRE_UNSPECIFIED, FICTION, HISTORY)');
      expect(rejection('GET', '/v1/shelves/99999999999999999999/books')).to.contain('shelfId:');
    });

    it('reject a parameter naming no field (reject_unknown_query_parameters)', () => {
      expect(rejection('GET', '/v1/shelves/1/books?colour=red')).to.equal('Could not find field "colour" in the type "edge.test.v1.ListBooksRequest".');
      expect(rejection('GET', '/v1/shelves/1/books?filter.colour=red')).to.equal('Could not find field "colour" in the type "edge.test.v1.Filter".');
    });

    it('accept unknown parameters with ignore_unknown_query_parameters, or the names in ignored_query_parameters', () => {
      const ignoreAll = withOptions({ ignore_unknown_query_parameters: true });
      expect(grpcRequest('GET', '/v1/shelves/1/books?colour=red', '', ignoreAll)).to.deep.equal({ shelfId: '1' });
      const ignoreOne = withOptions({ ignored_query_parameters: ['colour'] });
      expect(grpcRequest('GET', '/v1/shelves/1/books?colour=red', '', ignoreOne)).to.deep.equal({ shelfId: '1' });
    });

    it('reject a parameter naming a message field', () => {
      expect(rejection('GET', '/v1/shelves/1/books?filter=x')).to.equal('filter: a edge.test.v1.Filter field cannot be bound from the URL');
    });

    it('read enum names exactly unless case_insensitive_enum_parsing', () => {
      expect(rejection('GET', '/v1/shelves/1/books?genres=fiction')).to.contain('genres: "fiction" is not a valid');
      const lenient = withOptions({ case_insensitive_enum_parsing: true });
      expect(grpcRequest('GET', '/v1/shelves/1/books?genres=fiction', '', lenient)).to.deep.equal({ shelfId: '1', genres: ['FICTION'] });
    });

    it("keep '+' in a value unless query_param_unescape_plus", () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books?filter.author.name=Ann+Lee%21')).to.deep.equal({ shelfId: '1', filter: { author: { name: 'Ann+Lee!' } } });
      const plus = withOptions({ query_param_unescape_plus: true });
      expect(grpcRequest('GET', '/v1/shelves/1/books?filter.author.name=Ann+Lee', '', plus)).to.deep.equal({ shelfId: '1', filter: { author: { name: 'Ann Lee' } } });
    });
  });

  describe('the body', () => {
    it('body "*": the JSON is the request, path variables woven in (custom verb, multi-segment variable)', () => {
      expect(grpcRequest('POST', '/v1/shelves/a/books/b:move', '{"otherShelfName":"shelves/c"}')).to.deep.equal({
        name: 'shelves/a/books/b',
        otherShelfName: 'shelves/c',
      });
    });

    it('a named body field: the JSON is that field, the rest comes from the URL', () => {
      expect(grpcRequest('POST', '/v1/shelves/3/books', '{"title":"Dune","author":{"name":"Herbert"},"genre":"FICTION"}')).to.deep.equal({
        shelfId: '3',
        book: { title: 'Dune', author: { name: 'Herbert' }, genre: 'FICTION' },
      });
    });

    it('a path variable inside the named body field ({shelf.id} with body "shelf")', () => {
      expect(grpcRequest('PATCH', '/v1/shelves/5', '{"theme":"sea"}')).to.deep.equal({ shelf: { id: '5', theme: 'sea' } });
    });

    it('a field given in the URL and the body with another value is a 400 (reject_binding_body_field_collisions)', () => {
      expect(rejection('PATCH', '/v1/shelves/5', '{"id":"6"}')).to.equal('The binding value 5 of the field shelf.id is conflicting with the value "6" in the body.');
      expect(grpcRequest('PATCH', '/v1/shelves/5', '{"id":5,"theme":"sea"}')).to.deep.equal({ shelf: { id: '5', theme: 'sea' } });
    });

    it("without reject_binding_body_field_collisions the body's value wins, as Envoy's default", () => {
      const lenient = withOptions({
        request_validation_options: { ...grpcJsonTranscoderOptions.request_validation_options, reject_binding_body_field_collisions: false },
      });
      expect(grpcRequest('PATCH', '/v1/shelves/5', '{"id":"6"}', lenient)).to.deep.equal({ shelf: { id: '6' } });
    });

    it('a repeated field given in the body and the URL gets both', () => {
      expect(grpcRequest('PATCH', '/v1/shelves/5?shelf.genres=HISTORY', '{"genres":["FICTION"]}')).to.deep.equal({
        shelf: { id: '5', genres: ['FICTION', 'HISTORY'] },
      });
    });

    it('unknown JSON fields are ignored at every depth, as Envoy ignores them', () => {
      expect(grpcRequest('POST', '/v1/shelves/3/books', '{"title":"Dune","colour":"red","author":{"name":"Herbert","age":3}}')).to.deep.equal({
        shelfId: '3',
        book: { title: 'Dune', author: { name: 'Herbert' } },
      });
    });

    it('an unknown enum name is still an error, naming the field', () => {
      expect(rejection('POST', '/v1/shelves/3/books', '{"genre":"POETRY"}')).to.match(/^book\.genre: .*POETRY/);
    });

    it('a value of the wrong type names the field path', () => {
      expect(rejection('POST', '/v1/shelves/3/books', '{"author":{"id":"many"}}')).to.match(/^book\.author\.id: /);
    });

    it('malformed JSON, or a body "*" that is not an object, is a 400', () => {
      expect(rejection('POST', '/v1/shelves/a/books/b:move', '{"otherShelfName":')).to.contain('the request body is not valid JSON');
      expect(rejection('POST', '/v1/shelves/a/books/b:move', '[1]')).to.equal('the request body must be a JSON object');
    });

    it('an empty body is an empty request message', () => {
      expect(grpcRequest('POST', '/v1/shelves/a/books/b:move', '')).to.deep.equal({ name: 'shelves/a/books/b' });
    });

    it('a body sent to a rule without `body` is read as the whole request, as Envoy reads it', () => {
      expect(grpcRequest('GET', '/v1/shelves/1/books', '{"pageSize":7}')).to.deep.equal({ shelfId: '1', pageSize: 7 });
    });
  });
});
