import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DeliverableState } from '#contracts/catalog/v1/catalog.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { startCatalogUnderTest, type CatalogUnderTest } from './support.js';

describe('catalog over gRPC', function () {
  this.timeout(30_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url, 'postgres');
  });

  after(async () => {
    await catalog.stop();
    await nats.stop();
  });

  it('lists bookstore.catalog.v1.CatalogService through server reflection', async () => {
    const { services } = await reflect(catalog.address, 'bookstore.catalog.v1.CatalogService');
    expect(services).to.include('bookstore.catalog.v1.CatalogService');
  });

  it('creates, reads, renames and stocks a book', async () => {
    const book = await catalog.client.call('createBook', { bookName: 'LondonTour', stock: 100, price: 0, requestId: '' });
    expect(book).to.include({ bookName: 'LondonTour', stock: 100, price: 0, initialStock: 100 });
    const { id } = book;
    expect(await catalog.client.call('updateBook', { id, bookName: 'London Tour', price: undefined })).to.include({ bookName: 'London Tour', stock: 100 });
    const stockInput = await catalog.client.call('inputStock', { bookId: id, quantity: 20, inCharger: 'kim', requestId: '' });
    expect(stockInput).to.include({ bookId: id, quantity: 20, inCharger: 'kim' });
    expect(stockInput.id).to.be.greaterThan(0);
    expect((await catalog.client.call('getBook', { id })).stock).to.equal(120);
  });

  const invalidCases: [string, () => Promise<unknown>, string][] = [
    ['an empty book name', () => catalog.client.call('createBook', { bookName: '', stock: 1, price: 1, requestId: '' }), 'bookName'],
    ['a negative stock', () => catalog.client.call('createBook', { bookName: 'x', stock: -1, price: 1, requestId: '' }), 'stock'],
    ['a negative price', () => catalog.client.call('createBook', { bookName: 'x', stock: 1, price: -1, requestId: '' }), 'price'],
    ['a zero stock input', () => catalog.client.call('inputStock', { bookId: 1, quantity: 0, inCharger: 'kim', requestId: '' }), 'quantity'],
    ['a stock input without who received it', () => catalog.client.call('inputStock', { bookId: 1, quantity: 1, inCharger: '', requestId: '' }), 'inCharger'],
    ['a page size over 100', () => catalog.client.call('listBooks', { pageSize: 101, pageToken: '' }), 'pageSize'],
    ['an update of book 0', () => catalog.client.call('updateBook', { id: 0, price: 1, bookName: undefined }), 'id'],
    ['a negative order filter', () => catalog.client.call('listDeliverables', { pageSize: 0, pageToken: '', orderId: -1, bookId: 0, states: [] }), 'orderId'],
    ['an unknown deliverable state', () => catalog.client.call('listDeliverables', { pageSize: 0, pageToken: '', orderId: 0, bookId: 0, states: [DeliverableState.DELIVERABLE_STATE_UNSPECIFIED] }), 'states'],
  ];
  for (const [what, call, field] of invalidCases) {
    it(`answers ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      const error = await callError(call());
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
    });
  }

  it('answers a missing book with NOT_FOUND, and a correction below zero with FAILED_PRECONDITION', async () => {
    const missing = await callError(catalog.client.call('getBook', { id: 424242 }));
    expect(missing.code).to.equal(status.NOT_FOUND);
    expect(missing.details).to.equal('book 424242 not found');
    const book = await catalog.client.call('createBook', { bookName: 'Few', stock: 1, price: 1, requestId: '' });
    const below = await callError(catalog.client.call('inputStock', { bookId: book.id, quantity: -2, inCharger: 'kim', requestId: '' }));
    expect(below.code).to.equal(status.FAILED_PRECONDITION);
  });
});
