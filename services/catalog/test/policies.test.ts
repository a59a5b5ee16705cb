import { expect } from 'chai';
import { DeliverableState } from '#contracts/catalog/v1/catalog.js';
import { CancelReason } from '#contracts/events/v1/order.js';
import { catalogEvents, orderEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import { startCatalogUnderTest, type CatalogUnderTest } from './support.js';

const orderPlaced = (orderId: number, bookId: number, quantity: number) => ({
  type: orderEvents.OrderPlaced,
  payload: { orderId, customerId: 1, bookId, quantity, deliveryAddress: 'Seoul', amount: 1500, currency: 'KRW' },
  correlationId: String(orderId),
});
const orderCancelled = (orderId: number) => ({
  type: orderEvents.OrderCancelled,
  payload: { orderId, reason: CancelReason.CUSTOMER_REQUEST },
  correlationId: String(orderId),
});

describe('catalog policies driven by real events', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let traffic: EventTraffic;
  let prepared: ReceivedEvent[];

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    traffic = await EventTraffic.open(nats.url);
    prepared = await traffic.watch([catalogEvents.BookPrepared]);
  });

  after(async () => {
    await traffic.close();
    await catalog.stop();
    await nats.stop();
  });

  const newBook = async (stock: number): Promise<number> => {
    const book = await catalog.client.call('createBook', { bookName: `Book with ${stock}`, stock, price: 1000 });
    return book.id;
  };
  const deliverableStates = async (bookId: number): Promise<Record<number, string>> => {
    const { deliverables } = await catalog.client.call('listDeliverables', { bookId, orderId: 0, states: [], pageSize: 100, pageToken: '' });
    return Object.fromEntries(deliverables.map((deliverable) => [deliverable.orderId, DeliverableState[deliverable.state]]));
  };
  const stockOf = async (bookId: number): Promise<number> => (await catalog.client.call('getBook', { id: bookId })).stock;
  const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitFor(check, what, 20_000);

  it('prepares an order that the stock covers and publishes BookPrepared with the order as correlation id', async () => {
    const bookId = await newBook(10);
    await traffic.publish(orderPlaced(101, bookId, 4));
    const event = await EventTraffic.next(prepared, catalogEvents.BookPrepared, (payload) => payload.orderId === 101);
    expect(event.payload).to.include({ orderId: 101, bookId, quantity: 4 });
    expect(event.correlationId).to.equal('101');
    expect(await deliverableStates(bookId)).to.deep.equal({ 101: 'PREPARED' });
    expect(await stockOf(bookId)).to.equal(6);
  });

  it('keeps an order WAITING without stock and prepares waiting orders oldest first when stock comes in', async () => {
    const bookId = await newBook(0);
    await traffic.publish(orderPlaced(201, bookId, 3), orderPlaced(202, bookId, 1), orderPlaced(203, bookId, 2));
    await until('three deliverables', async () => Object.keys(await deliverableStates(bookId)).length === 3);
    expect(await deliverableStates(bookId)).to.deep.equal({ 201: 'WAITING', 202: 'WAITING', 203: 'WAITING' });

    // 2 copies cover neither 201 (3) nor, by FIFO, anyone behind it.
    await catalog.client.call('inputStock', { bookId, quantity: 2, inCharger: 'kim' });
    // 4 in all: 201 (3) then 202 (1); 203 (2) stays, stock 0.
    await catalog.client.call('inputStock', { bookId, quantity: 2, inCharger: 'kim' });
    await until('201 and 202 prepared', async () => (await deliverableStates(bookId))[202] === 'PREPARED');
    expect(await deliverableStates(bookId)).to.deep.equal({ 201: 'PREPARED', 202: 'PREPARED', 203: 'WAITING' });
    expect(await stockOf(bookId)).to.equal(0);
    // The relay publishes BookPrepared after the commit: wait for both before reading their order.
    const preparedOrders = (): number[] =>
      prepared.map((event) => (event.payload as { orderId: number }).orderId).filter((orderId) => [201, 202, 203].includes(orderId));
    await until('BookPrepared of 201 and 202', () => Promise.resolve(preparedOrders().length >= 2));
    expect(preparedOrders()).to.deep.equal([201, 202]);
  });

  it('stops at the first waiting order the stock does not cover, even when a later one would fit', async () => {
    const bookId = await newBook(0);
    await traffic.publish(orderPlaced(301, bookId, 5), orderPlaced(302, bookId, 1));
    await until('two deliverables', async () => Object.keys(await deliverableStates(bookId)).length === 2);
    await catalog.client.call('inputStock', { bookId, quantity: 4, inCharger: 'kim' });
    const inputs = await catalog.client.call('listStockInputs', { bookId, pageSize: 10, pageToken: '' });
    expect(inputs.stockInputs.map((input) => input.quantity)).to.deep.equal([4]);
    await traffic.publish(orderPlaced(303, bookId, 1));
    await until('the third deliverable', async () => Object.keys(await deliverableStates(bookId)).length === 3);
    expect(await deliverableStates(bookId)).to.deep.equal({ 301: 'WAITING', 302: 'WAITING', 303: 'WAITING' });
    expect(await stockOf(bookId)).to.equal(4);
  });

  it('returns the stock of a cancelled prepared order, and cancels a waiting one without touching stock', async () => {
    const bookId = await newBook(3);
    await traffic.publish(orderPlaced(401, bookId, 3), orderPlaced(402, bookId, 2));
    await until('401 prepared, 402 waiting', async () => {
      const states = await deliverableStates(bookId);
      return states[401] === 'PREPARED' && states[402] === 'WAITING';
    });
    await traffic.publish(orderCancelled(402));
    await until('402 cancelled', async () => (await deliverableStates(bookId))[402] === 'CANCELLED');
    expect(await stockOf(bookId)).to.equal(0);

    await traffic.publish(orderCancelled(401));
    await until('401 cancelled', async () => (await deliverableStates(bookId))[401] === 'CANCELLED');
    expect(await stockOf(bookId)).to.equal(3);
  });

  it('waits for OrderPlaced when OrderCancelled arrives first', async () => {
    const bookId = await newBook(5);
    await traffic.publish(orderCancelled(501));
    await traffic.publish(orderPlaced(501, bookId, 2));
    await until('501 cancelled', async () => (await deliverableStates(bookId))[501] === 'CANCELLED');
    expect(await stockOf(bookId)).to.equal(5);
  });

  it('takes stock once for an order whose OrderPlaced arrives twice', async () => {
    const bookId = await newBook(10);
    const [id] = await traffic.publish(orderPlaced(601, bookId, 1));
    // The same event re-published under its id (a relay crash) is dropped by the stream ...
    const copy = await traffic.bus.publish({
      id: id ?? '',
      subject: orderEvents.OrderPlaced.subject,
      payload: orderEvents.OrderPlaced.codec.encode(orderPlaced(601, bookId, 1).payload).finish(),
      headers: {},
    });
    expect(copy.duplicate).to.equal(true);
    // ... and the same order announced again under a new id is recognised by the policy.
    await traffic.publish(orderPlaced(601, bookId, 1), orderPlaced(602, bookId, 1));
    await until('602 prepared', async () => (await deliverableStates(bookId))[602] === 'PREPARED');
    expect(await deliverableStates(bookId)).to.deep.equal({ 601: 'PREPARED', 602: 'PREPARED' });
    expect(await stockOf(bookId)).to.equal(8);
  });
});
