import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import { waitFor } from '#kit/process/ports.js';
import { errorInfoJson, invalidFieldDetails } from './support/error-details-json.js';
import type { HttpAnswer } from './support/http-client.js';
import { startEdgeWithRealCatalog, type EdgeWithRealCatalog } from './support/edge-with-real-catalog.js';

type Json = Record<string, unknown>;
const body = (answer: HttpAnswer): Json => answer.json as Json;
const deliverablesOf = (answer: HttpAnswer): Json[] => body(answer)['deliverables'] as Json[];
const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * The rows of issue 4 item 2 that the real services can produce, through the local edge in front
 * of the real catalog (its store, rules and event consumers). The full gRPC status -> HTTP table
 * and error details stay in parity.test.ts, against a stand-in CatalogService, because no real
 * service can be made to answer every code. The bookstore's protos have no nested request field and
 * no named body field; request-message.test.ts covers those on a test contract.
 */
describe('edge: parity with Envoy grpc_json_transcoder, the real catalog behind the local edge', function () {
  this.timeout(60_000);
  let under: EdgeWithRealCatalog;
  /** A book with orders 9001 PREPARED (it took the only copy), 9002 WAITING and 9003 CANCELLED. */
  let bookId: string;

  const createBook = async (fields: Json): Promise<Json> => {
    const answer = await under.call('POST', '/books', fields);
    expect(answer.status, answer.text).to.equal(200);
    return body(answer);
  };

  before(async () => {
    under = await startEdgeWithRealCatalog();
    bookId = String((await createBook({ bookName: 'LondonTour', stock: 1, price: 1500 }))['id']);
    await under.placeOrder(9001, Number(bookId), 1);
    await under.placeOrder(9002, Number(bookId), 1);
    await under.placeOrder(9003, Number(bookId), 1);
    await under.cancelOrder(9003);
    const states = async (): Promise<unknown[]> => deliverablesOf(await under.call('GET', `/deliverables?bookId=${bookId}`)).map((deliverable) => deliverable['state']);
    await waitFor(async () => (await states()).join() === 'PREPARED,WAITING,CANCELLED', 'the catalog to prepare, hold and cancel the orders', 20_000);
  });

  after(async () => {
    await under.stop();
  });

  describe('path and query parameter binding', () => {
    it('binds a path variable: GET /books/{id}', async () => {
      const answer = await under.call('GET', `/books/${bookId}`);
      expect(answer.status).to.equal(200);
      expect(body(answer)).to.include({ id: bookId, bookName: 'LondonTour' });
    });

    it('binds a repeated field once per occurrence: ?states=WAITING&states=PREPARED', async () => {
      const answer = await under.call('GET', `/deliverables?bookId=${bookId}&states=WAITING&states=PREPARED`);
      expect(deliverablesOf(answer).map((deliverable) => [deliverable['orderId'], deliverable['state']])).to.deep.equal([['9001', 'PREPARED'], ['9002', 'WAITING']]);
    });

    it('binds typed values: an enum by number, an int64 by its proto name, an int32 and a page token', async () => {
      const prepared = await under.call('GET', `/deliverables?book_id=${bookId}&states=2`);
      expect(deliverablesOf(prepared).map((deliverable) => deliverable['orderId'])).to.deep.equal(['9001']);
      const first = await under.call('GET', `/deliverables?bookId=${bookId}&pageSize=2`);
      expect(deliverablesOf(first).map((deliverable) => deliverable['orderId'])).to.deep.equal(['9001', '9002']);
      const token = String(body(first)['nextPageToken']);
      expect(token).to.not.equal('');
      const second = await under.call('GET', `/deliverables?bookId=${bookId}&pageSize=2&pageToken=${encodeURIComponent(token)}`);
      expect(body(second)).to.deep.include({ nextPageToken: '' });
      expect(deliverablesOf(second).map((deliverable) => deliverable['orderId'])).to.deep.equal(['9003']);
    });

    it('answers 400 naming the field for a query value of the wrong type, before the service', async () => {
      const answer = await under.call('GET', '/deliverables?bookId=abc');
      expect(answer.status).to.equal(400);
      expect(body(answer)).to.deep.equal({ code: status.INVALID_ARGUMENT, message: 'bookId: "abc" is not a valid int64', details: invalidFieldDetails('bookId', '"abc" is not a valid int64') });
      expect(String(body(await under.call('GET', '/deliverables?states=LOST'))['message'])).to.match(/^states: "LOST" is not a valid bookstore\.catalog\.v1\.DeliverableState/);
    });
  });

  describe('body "*"', () => {
    it('is the whole request: POST /books, answered with the resource created', async () => {
      const book = await createBook({ bookName: 'Paris', stock: 3, price: '900' });
      expect(book).to.include({ bookName: 'Paris', stock: '3', price: '900', initialStock: '3' });
      expect(body(await under.call('GET', `/books/${String(book['id'])}`))).to.deep.equal(book);
    });

    it('takes path variables besides the body: PATCH /books/{id}', async () => {
      const { id } = await createBook({ bookName: 'Rome', stock: 1, price: 100 });
      const answer = await under.call('PATCH', `/books/${String(id)}`, { price: 1200 });
      expect(body(answer)).to.include({ id, bookName: 'Rome', price: '1200' });
    });
  });

  describe('unknown fields and parameters', () => {
    it('unknown JSON fields in the body are ignored', async () => {
      const book = await createBook({ bookName: 'Berlin', stock: 1, colour: 'red' });
      expect(book).to.include({ bookName: 'Berlin' }).and.not.have.property('colour');
    });

    it('an unknown query parameter is a 400 with a google.rpc.Status body', async () => {
      const answer = await under.call('GET', '/books?colour=red');
      expect(answer.status).to.equal(400);
      expect(body(answer)).to.deep.equal({ code: status.INVALID_ARGUMENT, message: 'Could not find field "colour" in the type "bookstore.catalog.v1.ListBooksRequest".', details: [] });
    });
  });

  describe('rendering', () => {
    it('renders int64 as strings, enums by name, timestamps as RFC 3339', async () => {
      const [deliverable] = deliverablesOf(await under.call('GET', `/deliverables?orderId=9001`));
      expect(deliverable).to.include({ orderId: '9001', bookId, quantity: '1', state: 'PREPARED' });
      expect(deliverable?.['id']).to.be.a('string');
      expect(deliverable?.['createTime']).to.match(rfc3339);
    });

    it('prints empty and zero fields: price "0", an empty list, an empty page token', async () => {
      const { id, price, stock } = await createBook({ bookName: 'Free', stock: 0 });
      expect([price, stock]).to.deep.equal(['0', '0']);
      expect(body(await under.call('GET', `/deliverables?bookId=${String(id)}`))).to.deep.equal({ deliverables: [], nextPageToken: '' });
    });
  });

  describe('unknown path or method', () => {
    it('an unknown path is a 404 with a google.rpc.Status body', async () => {
      const answer = await under.call('GET', '/films');
      expect(answer.status).to.equal(404);
      expect(body(answer)).to.deep.equal({ code: status.NOT_FOUND, message: 'Could not resolve /films to a method.', details: [] });
    });

    it('a method the path does not serve is a 404 too', async () => {
      const answer = await under.call('DELETE', `/books/${bookId}`);
      expect(answer.status).to.equal(404);
      expect(body(answer)).to.deep.equal({ code: status.NOT_FOUND, message: `Could not resolve /books/${bookId} to a method.`, details: [] });
    });
  });

  describe("the catalog's own refusals as google.rpc.Status JSON", () => {
    // The expected bodies are built when each case runs, after before() made the book.
    const refusals: [string, () => Promise<HttpAnswer>, number, () => Json][] = [
      [
        'INVALID_ARGUMENT is 400, with a BadRequest naming the field',
        () => under.call('POST', '/books', { bookName: '', stock: 1 }),
        400,
        () => ({ code: status.INVALID_ARGUMENT, message: 'bookName: must not be empty', details: invalidFieldDetails('bookName', 'must not be empty') }),
      ],
      [
        'NOT_FOUND is 404, with reason BOOK_NOT_FOUND',
        () => under.call('GET', '/books/424242'),
        404,
        () => ({ code: status.NOT_FOUND, message: 'book 424242 not found', details: [errorInfoJson('BOOK_NOT_FOUND', { bookId: '424242' })] }),
      ],
      [
        'FAILED_PRECONDITION is 400, with reason STOCK_WOULD_GO_NEGATIVE',
        () => under.call('POST', '/stockInputs', { bookId, quantity: -5, inCharger: 'kim' }),
        400,
        () => ({
          code: status.FAILED_PRECONDITION,
          message: `stock of book ${bookId} is 0; a correction of -5 would make it negative`,
          details: [errorInfoJson('STOCK_WOULD_GO_NEGATIVE', { bookId, stock: '0' })],
        }),
      ],
      [
        'a control character in a text field is 400 naming it',
        () => under.call('POST', '/books', { bookName: 'London\u0000Tour', stock: 1 }),
        400,
        () => ({ code: status.INVALID_ARGUMENT, message: 'bookName: must not contain control characters', details: invalidFieldDetails('bookName', 'must not contain control characters') }),
      ],
    ];
    for (const [what, call, httpStatus, expected] of refusals) {
      it(`${what}: {code, message, details}`, async () => {
        const answer = await call();
        expect(answer.status).to.equal(httpStatus);
        expect(answer.headers['content-type']).to.equal('application/json');
        expect(body(answer)).to.deep.equal(expected());
      });
    }
  });

  describe('int64 values', () => {
    const rule = 'must be an int64: a whole number in decimal digits from -9223372036854775808 to 9223372036854775807';

    it('accepts every int64 the catalog can hold, as a string or an exact JSON number', async () => {
      const answer = await under.call('GET', '/books/9007199254740991');
      expect(answer.status).to.equal(404);
      expect(body(answer)['details']).to.deep.equal([errorInfoJson('BOOK_NOT_FOUND', { bookId: '9007199254740991' })]);
      expect(await createBook({ bookName: 'Exact', stock: '9007199254740991', price: 1 })).to.include({ stock: '9007199254740991' });
    });

    it('passes an int64 past 2^53 - 1 to the service, which refuses it naming the field (not a 500)', async () => {
      for (const id of ['9007199254740992', '9223372036854775807']) {
        const answer = await under.call('GET', `/books/${id}`);
        expect(answer.status, id).to.equal(400);
        expect(body(answer), id).to.deep.equal({ code: status.INVALID_ARGUMENT, message: 'id: must be at most 9007199254740991', details: invalidFieldDetails('id', 'must be at most 9007199254740991') });
      }
    });

    const refused: [string, string][] = [
      ['0x10', 'hexadecimal'],
      ['%201', 'padded'],
      ['1%20', 'padded at the end'],
      ['%2B1', 'signed'],
      ['01', 'zero-padded'],
      ['1.5', 'a fraction'],
      ['1e2', 'an exponent'],
      ['9223372036854775808', 'past the int64 range'],
    ];
    for (const [value, what] of refused) {
      it(`refuses ${what} (${value}) in the path with a 400 naming the field`, async () => {
        const answer = await under.call('GET', `/books/${value}`);
        expect(answer.status).to.equal(400);
        expect(body(answer)['message']).to.match(new RegExp(`^id: ${rule}|^id: ".*" is not a valid int64$`));
        expect((body(answer)['details'] as Json[])[1]).to.deep.include({ '@type': 'type.googleapis.com/google.rpc.BadRequest' });
      });
    }

    it('refuses the same in a JSON body, and a JSON number that lost digits, naming the field', async () => {
      for (const stock of ['0x10', ' 1', '1.0', 1.5, 2 ** 53 + 2, '-9223372036854775809']) {
        const answer = await under.call('POST', '/books', { bookName: 'Odd', stock, price: 1 });
        expect(answer.status, String(stock)).to.equal(400);
        expect(body(answer)['message'], String(stock)).to.match(/^stock: /);
        const violations = ((body(answer)['details'] as Json[])[1]?.['fieldViolations'] ?? []) as Json[];
        expect(violations.map((violation) => violation['field']), String(stock)).to.deep.equal(['stock']);
      }
    });
  });
});
