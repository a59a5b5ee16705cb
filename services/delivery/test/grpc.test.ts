import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { bookPrepared, courierMoves, orderCancelled, orderPlaced, orderStateChanged, startDeliveryUnderTest, stateOf, type DeliveryUnderTest } from './support.js';

describe('delivery over gRPC', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let store: TestDatabase;
  let delivery: DeliveryUnderTest;
  let traffic: EventTraffic;

  before(async () => {
    nats = await NatsServer.start();
    store = await createTestStore('postgres', 'delivery');
    delivery = await startDeliveryUnderTest(nats.url, store.url);
    traffic = await EventTraffic.open(nats.url);
  });

  after(async () => {
    await traffic.close();
    await delivery.stop();
    await store.drop();
    await nats.stop();
  });

  /** A delivery brought to `state` the way the shop does it: events (the order confirms a start), then courier updates. */
  let nextOrderId = 100;
  const deliveryIn = async (state: 'READY' | 'STARTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED', customerId = 7): Promise<number> => {
    const orderId = (nextOrderId += 1);
    await traffic.publish(orderPlaced(orderId, customerId));
    if (state === 'CANCELLED') await traffic.publish(orderCancelled(orderId));
    else if (state !== 'READY') await traffic.publish(bookPrepared(orderId), orderStateChanged(orderId));
    const settled = state === 'READY' || state === 'CANCELLED' ? state : 'STARTED';
    await waitFor(async () => stateOf(await delivery.deliveryOf(orderId)) === settled, `order ${orderId} ${settled}`, 20_000);
    const id = (await delivery.deliveryOf(orderId))?.id ?? 0;
    if (state === 'IN_TRANSIT' || state === 'DELIVERED') await courierMoves(delivery, id, DeliveryState.IN_TRANSIT);
    if (state === 'DELIVERED') await update(id, DeliveryState.DELIVERED);
    return id;
  };
  const update = (id: number, state: DeliveryState) => delivery.client.call('updateDeliveryStatus', { id, state });

  it('lists bookstore.delivery.v1.DeliveryService through server reflection', async () => {
    const { services } = await reflect(delivery.address, 'bookstore.delivery.v1.DeliveryService');
    expect(services).to.include('bookstore.delivery.v1.DeliveryService');
  });

  it('moves a delivery STARTED -> IN_TRANSIT -> DELIVERED on courier updates, and reads it back', async () => {
    const id = await deliveryIn('STARTED');
    expect((await courierMoves(delivery, id, DeliveryState.IN_TRANSIT)).state).to.equal(DeliveryState.IN_TRANSIT);
    expect((await update(id, DeliveryState.DELIVERED)).state).to.equal(DeliveryState.DELIVERED);
    const read = await delivery.client.call('getDelivery', { id });
    expect(read).to.include({ id, state: DeliveryState.DELIVERED, deliveryAddress: '1 Tower Hill, London' });
    expect(read.createTime).to.be.instanceOf(Date);
    expect(read.updateTime).to.be.instanceOf(Date);
  });

  const refusedMoves: ['READY' | 'STARTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED', DeliveryState][] = [
    ['READY', DeliveryState.IN_TRANSIT],
    ['READY', DeliveryState.DELIVERED],
    ['STARTED', DeliveryState.DELIVERED],
    ['IN_TRANSIT', DeliveryState.IN_TRANSIT],
    ['DELIVERED', DeliveryState.IN_TRANSIT],
    ['CANCELLED', DeliveryState.IN_TRANSIT],
    ['CANCELLED', DeliveryState.DELIVERED],
  ];
  for (const [from, to] of refusedMoves) {
    it(`refuses ${from} -> ${DeliveryState[to]} with FAILED_PRECONDITION and leaves the delivery as it was`, async () => {
      const id = await deliveryIn(from);
      const error = await callError(update(id, to));
      expect(error.code).to.equal(status.FAILED_PRECONDITION);
      expect(error.details).to.contain(`delivery ${id} is ${from}`);
      expect(DeliveryState[(await delivery.client.call('getDelivery', { id })).state]).to.equal(from);
    });
  }

  const invalidCases: [string, () => Promise<unknown>, string][] = [
    ['a courier update to READY', () => update(1, DeliveryState.READY), 'state'],
    ['a courier update to CANCELLED', () => update(1, DeliveryState.CANCELLED), 'state'],
    ['a courier update without a state', () => update(1, DeliveryState.DELIVERY_STATE_UNSPECIFIED), 'state'],
    ['a courier update without an id', () => update(0, DeliveryState.IN_TRANSIT), 'id'],
    ['a read without an id', () => delivery.client.call('getDelivery', { id: 0 }), 'id'],
    ['a list with a negative order id', () => delivery.client.call('listDeliveries', { orderId: -1, customerId: 0, states: [], pageSize: 0, pageToken: '' }), 'orderId'],
    ['a list with a negative customer id', () => delivery.client.call('listDeliveries', { orderId: 0, customerId: -3, states: [], pageSize: 0, pageToken: '' }), 'customerId'],
    ['a list filtered by an unknown state', () => delivery.client.call('listDeliveries', { orderId: 0, customerId: 0, states: [DeliveryState.DELIVERY_STATE_UNSPECIFIED], pageSize: 0, pageToken: '' }), 'states'],
    ['a page size over 100', () => delivery.client.call('listDeliveries', { orderId: 0, customerId: 0, states: [], pageSize: 101, pageToken: '' }), 'pageSize'],
    ['a page token it did not issue', () => delivery.client.call('listDeliveries', { orderId: 0, customerId: 0, states: [], pageSize: 0, pageToken: 'bogus' }), 'pageToken'],
  ];
  for (const [what, call, field] of invalidCases) {
    it(`answers ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      const error = await callError(call());
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
    });
  }

  it('answers a missing delivery with NOT_FOUND, for reads and updates', async () => {
    for (const call of [delivery.client.call('getDelivery', { id: 424242 }), update(424242, DeliveryState.IN_TRANSIT)]) {
      const error = await callError(call);
      expect(error.code).to.equal(status.NOT_FOUND);
      expect(error.details).to.equal('delivery 424242 not found');
    }
  });

  it("lists a customer's deliveries by state, a page at a time", async () => {
    const customerId = 4_242;
    const ids = [await deliveryIn('READY', customerId), await deliveryIn('STARTED', customerId), await deliveryIn('IN_TRANSIT', customerId)];
    const list = (states: DeliveryState[], pageSize = 100, pageToken = '') =>
      delivery.client.call('listDeliveries', { orderId: 0, customerId, states, pageSize, pageToken });
    expect((await list([])).deliveries.map((d) => d.id)).to.deep.equal(ids);
    expect((await list([DeliveryState.STARTED, DeliveryState.IN_TRANSIT])).deliveries.map((d) => d.id)).to.deep.equal(ids.slice(1));
    const first = await list([], 2);
    expect(first.deliveries.map((d) => d.id)).to.deep.equal(ids.slice(0, 2));
    const second = await list([], 2, first.nextPageToken);
    expect(second.deliveries.map((d) => d.id)).to.deep.equal(ids.slice(2));
    expect(second.nextPageToken).to.equal('');
  });
});
