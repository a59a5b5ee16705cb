import { expect } from 'chai';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import type { DeliveryCancelled, DeliveryStarted, DeliveryStatusChanged } from '#contracts/events/v1/delivery.js';
import { deliveryEvents } from '#contracts/events.js';
import type { EventType, ReceivedEvent } from '#kit/events/event.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { status } from '@grpc/grpc-js';
import { OrderState } from '#contracts/order/v1/order.js';
import { callError } from '#kit-testing/grpc-probes.js';
import {
  bookPrepared,
  courierMoves,
  orderCancelled,
  orderPlaced,
  orderStateChanged,
  startDeliveryUnderTest,
  stateOf,
  type DeliveryUnderTest,
} from './support.js';

type DeliveryPayload = DeliveryStarted | DeliveryStatusChanged | DeliveryCancelled;

describe('delivery policies driven by real events', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let store: TestDatabase;
  let delivery: DeliveryUnderTest;
  let traffic: EventTraffic;
  let published: ReceivedEvent[];

  before(async () => {
    nats = await NatsServer.start();
    store = await createTestStore('sqlite', 'delivery');
    delivery = await startDeliveryUnderTest(nats.url, store.url);
    traffic = await EventTraffic.open(nats.url);
    published = await traffic.watch([deliveryEvents.DeliveryStarted, deliveryEvents.DeliveryStatusChanged, deliveryEvents.DeliveryCancelled]);
  });

  after(async () => {
    await traffic.close();
    await delivery.stop();
    await store.drop();
    await nats.stop();
  });

  const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitFor(check, what, 20_000);
  const untilState = (orderId: number, state: string): Promise<void> =>
    until(`the delivery of order ${orderId} to be ${state}`, async () => stateOf(await delivery.deliveryOf(orderId)) === state);
  const publishedFor = (orderId: number): { event: string; payload: DeliveryPayload }[] =>
    published
      .filter((event) => (event.payload as DeliveryPayload).orderId === orderId)
      .map((event) => ({ event: event.type.name, payload: event.payload as DeliveryPayload }));
  const nextFor = <T extends DeliveryPayload>(type: EventType<T>, orderId: number): Promise<ReceivedEvent<T>> =>
    EventTraffic.next(published, type, (payload) => payload.orderId === orderId);
  /**
   * Everything delivery published up to now has reached the watcher: a courier update of a fresh
   * delivery publishes one more event, and the stream keeps publish order.
   */
  let sentinelOrderId = 9_000;
  const publishedSoFar = async (): Promise<void> => {
    const orderId = (sentinelOrderId += 1);
    await traffic.publish(orderPlaced(orderId), bookPrepared(orderId), orderStateChanged(orderId));
    await untilState(orderId, 'STARTED');
    const started = await delivery.deliveryOf(orderId);
    await courierMoves(delivery, started?.id ?? 0, DeliveryState.IN_TRANSIT);
    await nextFor(deliveryEvents.DeliveryStatusChanged, orderId);
  };
  /** The courier's update of the delivery of `orderId`. */
  const update = async (orderId: number, state: DeliveryState) =>
    delivery.client.call('updateDeliveryStatus', { id: (await delivery.deliveryOf(orderId))?.id ?? 0, state });

  it('creates a READY delivery for a placed order', async () => {
    await traffic.publish(orderPlaced(101, 55));
    await untilState(101, 'READY');
    expect(await delivery.deliveryOf(101)).to.include({
      orderId: 101,
      customerId: 55,
      bookId: 3,
      quantity: 2,
      deliveryAddress: '1 Tower Hill, London',
      state: DeliveryState.READY,
    });
  });

  it('starts the delivery when the book is prepared and publishes DeliveryStarted, correlated by the order', async () => {
    await traffic.publish(orderPlaced(201), bookPrepared(201));
    const started = await nextFor(deliveryEvents.DeliveryStarted, 201);
    const current = await delivery.deliveryOf(201);
    expect(stateOf(current)).to.equal('STARTED');
    expect(started.payload).to.deep.equal({ deliveryId: current?.id, orderId: 201, state: DeliveryState.STARTED });
    expect(started.correlationId).to.equal('201');
  });

  it('cancels a READY delivery when the order is cancelled and publishes DeliveryCancelled from READY', async () => {
    await traffic.publish(orderPlaced(301));
    await untilState(301, 'READY');
    await traffic.publish(orderCancelled(301));
    const cancelled = await nextFor(deliveryEvents.DeliveryCancelled, 301);
    expect(stateOf(await delivery.deliveryOf(301))).to.equal('CANCELLED');
    expect(cancelled.payload).to.include({ orderId: 301, state: DeliveryState.CANCELLED, previousState: DeliveryState.READY });
    expect(cancelled.correlationId).to.equal('301');
  });

  it('keeps a STARTED parcel where it is until the order confirms the start, then lets the courier move it', async () => {
    await traffic.publish(orderPlaced(351), bookPrepared(351), orderStateChanged(351, OrderState.IN_TRANSIT));
    await untilState(351, 'STARTED');
    await publishedSoFar();
    const refused = await callError(update(351, DeliveryState.IN_TRANSIT));
    expect(refused.code).to.equal(status.FAILED_PRECONDITION);
    expect(refused.details).to.contain('order 351 has not confirmed the delivery start yet; try again shortly');
    expect(stateOf(await delivery.deliveryOf(351))).to.equal('STARTED');

    await traffic.publish(orderStateChanged(351));
    const moved = await courierMoves(delivery, (await delivery.deliveryOf(351))?.id ?? 0, DeliveryState.IN_TRANSIT);
    expect(moved.state).to.equal(DeliveryState.IN_TRANSIT);
    await nextFor(deliveryEvents.DeliveryStatusChanged, 351);
    expect(publishedFor(351).map((event) => event.event)).to.deep.equal(['DeliveryStarted', 'DeliveryStatusChanged']);
  });

  it('cancels a STARTED parcel whose start the order has not confirmed, and the courier cannot move it', async () => {
    await traffic.publish(orderPlaced(361), bookPrepared(361));
    await untilState(361, 'STARTED');
    await traffic.publish(orderCancelled(361));
    const cancelled = await nextFor(deliveryEvents.DeliveryCancelled, 361);
    expect(cancelled.payload.previousState).to.equal(DeliveryState.STARTED);
    const refused = await callError(update(361, DeliveryState.IN_TRANSIT));
    expect(refused.code).to.equal(status.FAILED_PRECONDITION);
    expect(refused.details).to.contain('its order was cancelled');
  });

  it('recalls a parcel on its way when the order is cancelled', async () => {
    await traffic.publish(orderPlaced(401), bookPrepared(401), orderStateChanged(401));
    await untilState(401, 'STARTED');
    await courierMoves(delivery, (await delivery.deliveryOf(401))?.id ?? 0, DeliveryState.IN_TRANSIT);
    await traffic.publish(orderCancelled(401));
    const cancelled = await nextFor(deliveryEvents.DeliveryCancelled, 401);
    expect(cancelled.payload).to.include({ state: DeliveryState.CANCELLED, previousState: DeliveryState.IN_TRANSIT });
    expect(publishedFor(401).map((event) => event.event)).to.deep.equal(['DeliveryStarted', 'DeliveryStatusChanged', 'DeliveryCancelled']);
  });

  it('handles BookPrepared that arrives before OrderPlaced once the order is there', async () => {
    await traffic.publish(bookPrepared(501));
    await traffic.publish(orderPlaced(501));
    await nextFor(deliveryEvents.DeliveryStarted, 501);
    expect(stateOf(await delivery.deliveryOf(501))).to.equal('STARTED');
  });

  it('handles OrderCancelled that arrives before OrderPlaced once the order is there', async () => {
    await traffic.publish(orderCancelled(601));
    await traffic.publish(orderPlaced(601));
    const cancelled = await nextFor(deliveryEvents.DeliveryCancelled, 601);
    expect(cancelled.payload.previousState).to.equal(DeliveryState.READY);
    expect(stateOf(await delivery.deliveryOf(601))).to.equal('CANCELLED');
  });

  it('does not start a delivery whose order was cancelled before its book was prepared', async () => {
    await traffic.publish(orderPlaced(701), orderCancelled(701), bookPrepared(701));
    await nextFor(deliveryEvents.DeliveryCancelled, 701);
    await publishedSoFar();
    expect(stateOf(await delivery.deliveryOf(701))).to.equal('CANCELLED');
    expect(publishedFor(701).map((event) => event.event)).to.deep.equal(['DeliveryCancelled']);
  });

  it('takes the confirmation of the start that arrives before OrderPlaced once the order is there', async () => {
    await traffic.publish(orderStateChanged(651), orderPlaced(651), bookPrepared(651));
    await untilState(651, 'STARTED');
    const moved = await courierMoves(delivery, (await delivery.deliveryOf(651))?.id ?? 0, DeliveryState.IN_TRANSIT);
    expect(moved.state).to.equal(DeliveryState.IN_TRANSIT);
  });

  it('keeps a delivered parcel delivered when its order is cancelled afterwards', async () => {
    await traffic.publish(orderPlaced(801), bookPrepared(801), orderStateChanged(801));
    await untilState(801, 'STARTED');
    const id = (await delivery.deliveryOf(801))?.id ?? 0;
    await courierMoves(delivery, id, DeliveryState.IN_TRANSIT);
    await delivery.client.call('updateDeliveryStatus', { id, state: DeliveryState.DELIVERED });
    await traffic.publish(orderCancelled(801));
    await publishedSoFar();
    expect(stateOf(await delivery.deliveryOf(801))).to.equal('DELIVERED');
    expect(publishedFor(801).map((event) => [event.event, DeliveryState[event.payload.state]])).to.deep.equal([
      ['DeliveryStarted', 'STARTED'],
      ['DeliveryStatusChanged', 'IN_TRANSIT'],
      ['DeliveryStatusChanged', 'DELIVERED'],
    ]);
  });

  it('makes one delivery of an order announced twice', async () => {
    await traffic.publish(orderPlaced(901), orderPlaced(901), bookPrepared(901));
    await nextFor(deliveryEvents.DeliveryStarted, 901);
    await publishedSoFar();
    const { deliveries } = await delivery.client.call('listDeliveries', { orderId: 901, customerId: 0, states: [], pageSize: 10, pageToken: '' });
    expect(deliveries).to.have.length(1);
    expect(publishedFor(901).map((event) => event.event)).to.deep.equal(['DeliveryStarted']);
  });
});
