import { expect } from 'chai';
import { create } from '@bufbuild/protobuf';
import { anyPack, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { status } from '@grpc/grpc-js';
import { startEdgeWithFakeCatalog, type EdgeUnderTest } from './support/edge-with-fake-catalog.js';
import { invalidFieldDetails } from './support/error-details-json.js';
import { rpcStatusBytes } from './support/rpc-status-bytes.js';

/**
 * The local edge against Envoy's grpc_json_transcoder, one case per behaviour of issue 4 item 2, in
 * front of a CatalogService that can be made to fail with any status. The shapes the catalog's
 * rules do not have (nested fields, a named body field, custom verbs) are covered on a test
 * contract in request-message.test.ts.
 */
describe('edge: parity with Envoy grpc_json_transcoder (REST through the local edge)', () => {
  let under: EdgeUnderTest;

  before(async () => {
    under = await startEdgeWithFakeCatalog();
  });

  after(async () => {
    await under.stop();
  });

  beforeEach(() => {
    under.catalog.failure = undefined;
    under.catalog.calls.length = 0;
  });

  describe('gRPC status -> HTTP status (Envoy Grpc::Utility::grpcToHttpStatus)', () => {
    it('OK is 200', async () => {
      expect((await under.call('GET', '/books/1')).status).to.equal(200);
    });

    const table: [string, status, number][] = [
      ['CANCELLED', status.CANCELLED, 499],
      ['UNKNOWN', status.UNKNOWN, 500],
      ['INVALID_ARGUMENT', status.INVALID_ARGUMENT, 400],
      ['DEADLINE_EXCEEDED', status.DEADLINE_EXCEEDED, 504],
      ['NOT_FOUND', status.NOT_FOUND, 404],
      ['ALREADY_EXISTS', status.ALREADY_EXISTS, 409],
      ['PERMISSION_DENIED', status.PERMISSION_DENIED, 403],
      ['RESOURCE_EXHAUSTED', status.RESOURCE_EXHAUSTED, 429],
      ['FAILED_PRECONDITION', status.FAILED_PRECONDITION, 400],
      ['ABORTED', status.ABORTED, 409],
      ['OUT_OF_RANGE', status.OUT_OF_RANGE, 400],
      ['UNIMPLEMENTED', status.UNIMPLEMENTED, 501],
      ['INTERNAL', status.INTERNAL, 500],
      ['UNAVAILABLE', status.UNAVAILABLE, 503],
      ['DATA_LOSS', status.DATA_LOSS, 500],
      ['UNAUTHENTICATED', status.UNAUTHENTICATED, 401],
    ];
    for (const [name, code, httpStatus] of table) {
      it(`${name} is ${httpStatus}`, async () => {
        under.catalog.failure = { code, message: `forced ${name}` };
        const answer = await under.call('GET', '/books/1');
        expect(answer.status).to.equal(httpStatus);
        expect(answer.json).to.deep.equal({ code, message: `forced ${name}`, details: [] });
      });
    }
  });

  describe('the error body is google.rpc.Status as JSON (convert_grpc_status)', () => {
    it('carries the gRPC code and message, details empty, as application/json', async () => {
      under.catalog.failure = { code: status.NOT_FOUND, message: 'book 9 not found: 100% «gone»' };
      const answer = await under.call('GET', '/books/9');
      expect(answer.headers['content-type']).to.equal('application/json');
      expect(answer.json).to.deep.equal({ code: 5, message: 'book 9 not found: 100% «gone»', details: [] });
    });

    it('is the grpc-status-details-bin status when the service sends one, details as JSON Any', async () => {
      const detail = anyPack(TimestampSchema, create(TimestampSchema, { seconds: 60n }));
      under.catalog.failure = { code: status.FAILED_PRECONDITION, message: 'plain', statusDetails: rpcStatusBytes(9, 'detailed', [detail]) };
      const answer = await under.call('GET', '/books/9');
      expect(answer.status).to.equal(400);
      expect(answer.json).to.deep.equal({
        code: 9,
        message: 'detailed',
        details: [{ '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '1970-01-01T00:01:00Z' }],
      });
    });

    it('is also what the edge answers itself (here a malformed JSON body)', async () => {
      const answer = await under.call('POST', '/books', { body: '{"bookName":' });
      expect(answer.status).to.equal(400);
      expect(answer.json).to.include({ code: 3 }).and.to.have.keys('code', 'message', 'details');
      expect(under.catalog.calls).to.be.empty;
    });
  });

  describe('path and query parameter binding', () => {
    it('binds a path variable: GET /books/{id}', async () => {
      await under.call('GET', '/books/42');
      expect(under.catalog.lastCall()).to.deep.include({ method: 'GetBook', request: { id: 42 } });
    });

    it('binds query parameters to non-path fields, a repeated one per occurrence, enums by name or number', async () => {
      await under.call('GET', '/deliverables?states=WAITING&states=3&bookId=7&page_size=5');
      expect(under.catalog.lastCall().request).to.deep.equal({ pageSize: 5, pageToken: '', orderId: 0, bookId: 7, states: [1, 3] });
    });

    it('answers 400 naming the field for a value of the wrong type', async () => {
      const answer = await under.call('GET', '/books/abc');
      expect(answer.status).to.equal(400);
      expect(answer.json).to.deep.equal({ code: 3, message: 'id: "abc" is not a valid int64', details: invalidFieldDetails('id', '"abc" is not a valid int64') });
    });

    it('ignores a trailing slash', async () => {
      await under.call('GET', '/books/');
      expect(under.catalog.lastCall().method).to.equal('ListBooks');
    });
  });

  describe('body "*"', () => {
    it('is the whole request: POST /books', async () => {
      const answer = await under.call('POST', '/books', { body: { bookName: 'LondonTour', stock: 100 } });
      expect(answer.status).to.equal(200);
      expect(under.catalog.lastCall().request).to.deep.equal({ bookName: 'LondonTour', stock: 100, price: 0 });
    });

    it('takes path variables besides the body: PATCH /books/{id}', async () => {
      await under.call('PATCH', '/books/7', { body: { bookName: 'Paris', price: '1200' } });
      expect(under.catalog.lastCall().request).to.deep.equal({ id: 7, bookName: 'Paris', price: 1200 });
    });

    it('refuses a body that contradicts the path (reject_binding_body_field_collisions)', async () => {
      const answer = await under.call('PATCH', '/books/7', { body: { id: '8', bookName: 'Paris' } });
      expect(answer.status).to.equal(400);
      expect(answer.json).to.deep.equal({ code: 3, message: 'The binding value 7 of the field id is conflicting with the value "8" in the body.', details: [] });
    });

    it('names the field of a body value of the wrong type', async () => {
      const answer = await under.call('POST', '/books', { body: { bookName: 'LondonTour', stock: 'many' } });
      expect(answer.status).to.equal(400);
      expect((answer.json as { message: string }).message).to.match(/^stock: /);
    });
  });

  describe('unknown fields and parameters', () => {
    it('unknown JSON fields in the body are ignored, as Envoy ignores them', async () => {
      const answer = await under.call('POST', '/books', { body: { bookName: 'LondonTour', colour: 'red' } });
      expect(answer.status).to.equal(200);
      expect(under.catalog.lastCall().request).to.deep.equal({ bookName: 'LondonTour', stock: 0, price: 0 });
    });

    it('an unknown query parameter is a 400 and reaches no service (reject_unknown_query_parameters)', async () => {
      const answer = await under.call('GET', '/books?colour=red');
      expect(answer.status).to.equal(400);
      expect(answer.json).to.deep.equal({ code: 3, message: 'Could not find field "colour" in the type "bookstore.catalog.v1.ListBooksRequest".', details: [] });
      expect(under.catalog.calls).to.be.empty;
    });
  });

  describe('rendering (always_print_primitive_fields, enums as names, lowerCamelCase)', () => {
    it('renders int64 as strings and enums by name', async () => {
      const answer = await under.call('GET', '/deliverables');
      expect(answer.json).to.deep.equal({
        deliverables: [{ id: '1', orderId: '2', bookId: '3', quantity: '4', state: 'PREPARED' }],
        nextPageToken: '',
      });
    });

    it('prints empty fields, and answers the resource a method returns as the whole body', async () => {
      const answer = await under.call('GET', '/books/9');
      expect(answer.json).to.deep.equal({ id: '9', bookName: 'LondonTour', stock: '0', price: '0', initialStock: '0', createTime: '1970-01-01T00:00:00Z' });
      expect((await under.call('GET', '/books')).json).to.deep.equal({ books: [], nextPageToken: '' });
    });
  });

  describe('unknown path or method (reject_unknown_method)', () => {
    it('an unknown path is a 404 with a google.rpc.Status body', async () => {
      const answer = await under.call('GET', '/films');
      expect(answer.status).to.equal(404);
      expect(answer.json).to.deep.equal({ code: 5, message: 'Could not resolve /films to a method.', details: [] });
    });

    it('a known path with a method no rule declares is a 404 too (Envoy has no 405)', async () => {
      const answer = await under.call('DELETE', '/books');
      expect(answer.status).to.equal(404);
      expect(answer.json).to.deep.equal({ code: 5, message: 'Could not resolve /books to a method.', details: [] });
    });
  });

  it('a body over max_request_body_size is a 413', async () => {
    const answer = await under.call('POST', '/books', { body: { bookName: 'x'.repeat(1_100_000) } });
    expect(answer.status).to.equal(413);
    expect(answer.json).to.include({ code: status.RESOURCE_EXHAUSTED });
  });
});
