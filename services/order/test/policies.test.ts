import { expect } from 'chai';
import { CouponState } from '#contracts/coupon/v1/coupon.js';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { CancelReason as EventCancelReason } from '#contracts/events/v1/order.js';
import { CancelReason, OrderState } from '#contracts/order/v1/order.js';
import { deliveryEvents, orderEvents } from '#contracts/events.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import {
  placeOrderRequest,
  startCatalogUnderTest,
  startOrderUnderTest,
  startPaymentUnderTest,
  couponNews,
  startStandInCoupon,
  type CatalogUnderTest,
  type OrderUnderTest,
  type PaymentUnderTest,
} from './support.js';

const customerId = 3;
const couponId = 60;

const deliveryStarted = (orderId: number): NewEvent => ({
  type: deliveryEvents.DeliveryStarted,
  payload: { deliveryId: 1000 + orderId, orderId, state: DeliveryState.STARTED },
  correlationId: String(orderId),
});
const deliveryStatusChanged = (orderId: number, state: DeliveryState): NewEvent => ({
  type: deliveryEvents.DeliveryStatusChanged,
  payload: { deliveryId: 1000 + orderId, orderId, state },
  correlationId: String(orderId),
});
const { used: couponUsed, useRejected: couponUseRejected } = couponNews(couponId, customerId);

/**
 * The order's policies driven by delivery and coupon events published through a real outbox and
 * relay. The test plays the delivery and coupon contexts on the stream, so the coupon service is a
 * stand-in that only answers PlaceOrder's GetCoupon: a real one would react to a story it never lived.
 */
describe('order policies driven by real events', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let coupon: Awaited<ReturnType<typeof startStandInCoupon>>;
  let order: OrderUnderTest;
  let payment: PaymentUnderTest;
  let traffic: EventTraffic;
  let published: ReceivedEvent[];
  let bookId: number;

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    coupon = await startStandInCoupon(({ id }) =>
      Promise.resolve({ id, customerId, discount: 100, state: CouponState.ISSUED, createTime: undefined, updateTime: undefined }),
    );
    payment = await startPaymentUnderTest(nats.url);
    order = await startOrderUnderTest({ natsUrl: nats.url, catalogAddress: catalog.address, couponAddress: coupon.address, paymentAddress: payment.address });
    traffic = await EventTraffic.open(nats.url);
    published = await traffic.watch([orderEvents.OrderStateChanged, orderEvents.OrderCancelled]);
    bookId = await catalog.newBook(100);
  });

  after(async () => {
    await traffic.close();
    await order.stop();
    await payment.stop();
    await coupon.stop();
    await catalog.stop();
    await nats.stop();
  });

  const placeOrder = async (withCoupon = false): Promise<number> =>
    (await order.client.call('placeOrder', placeOrderRequest(bookId, { customerId, couponId: withCoupon ? couponId : 0 }))).id;
  const orderOf = (id: number) => order.client.call('getOrder', { id });
  const stateOf = async (id: number): Promise<OrderState> => (await orderOf(id)).state;
  const untilState = (id: number, state: OrderState): Promise<void> =>
    waitFor(async () => (await stateOf(id)) === state, `order ${id} ${OrderState[state]}`, 20_000);
  const publishedFor = (orderId: number): { subject: string; payload: unknown }[] =>
    published
      .filter((event) => (event.payload as { orderId: number }).orderId === orderId)
      .map((event) => ({ subject: event.subject, payload: event.payload }));
  const stateChanged = (orderId: number, state: OrderState) => ({ subject: orderEvents.OrderStateChanged.subject, payload: { orderId, state } });
  /**
   * The consumer handles events one at a time in stream order, so once a marker order published
   * after the events under test has moved, those events were handled too.
   */
  const handledUpToHere = async (): Promise<void> => {
    const marker = await placeOrder();
    await traffic.publish(deliveryStarted(marker));
    await EventTraffic.next(published, orderEvents.OrderStateChanged, (payload) => payload.orderId === marker);
  };

  it('follows the delivery ORDERED -> DELIVERY_STARTED -> IN_TRANSIT -> DELIVERED and publishes each move under the order id', async () => {
    const id = await placeOrder();
    await traffic.publish(deliveryStarted(id));
    await untilState(id, OrderState.DELIVERY_STARTED);
    await traffic.publish(deliveryStatusChanged(id, DeliveryState.IN_TRANSIT));
    await untilState(id, OrderState.IN_TRANSIT);
    await traffic.publish(deliveryStatusChanged(id, DeliveryState.DELIVERED));
    await untilState(id, OrderState.DELIVERED);
    const delivered = await EventTraffic.next(published, orderEvents.OrderStateChanged, (payload) => payload.orderId === id && payload.state === OrderState.DELIVERED);
    expect(delivered.correlationId).to.equal(String(id));
    expect(publishedFor(id)).to.deep.equal([
      stateChanged(id, OrderState.DELIVERY_STARTED),
      stateChanged(id, OrderState.IN_TRANSIT),
      stateChanged(id, OrderState.DELIVERED),
    ]);
  });

  it('never moves back: a DeliveryStarted arriving after IN_TRANSIT changes nothing', async () => {
    const id = await placeOrder();
    await traffic.publish(deliveryStatusChanged(id, DeliveryState.IN_TRANSIT));
    await untilState(id, OrderState.IN_TRANSIT);
    await traffic.publish(deliveryStarted(id));
    await handledUpToHere();
    expect(await stateOf(id)).to.equal(OrderState.IN_TRANSIT);
    expect(publishedFor(id)).to.deep.equal([stateChanged(id, OrderState.IN_TRANSIT)]);
  });

  it('leaves a cancelled order CANCELLED when delivery events come, publishing nothing for them', async () => {
    const id = await placeOrder();
    await order.client.call('cancelOrder', { id });
    await traffic.publish(deliveryStarted(id), deliveryStatusChanged(id, DeliveryState.IN_TRANSIT));
    await handledUpToHere();
    expect(await orderOf(id)).to.include({ state: OrderState.CANCELLED, cancelReason: CancelReason.CUSTOMER_REQUEST });
    expect(publishedFor(id)).to.deep.equal([
      { subject: orderEvents.OrderCancelled.subject, payload: { orderId: id, couponId: undefined, reason: EventCancelReason.CUSTOMER_REQUEST } },
    ]);
  });

  it('cancels an order whose coupon another order used first, with COUPON_ALREADY_USED, even after the delivery started', async () => {
    const ordered = await placeOrder(true);
    const inTransit = await placeOrder(true);
    await traffic.publish(deliveryStatusChanged(inTransit, DeliveryState.IN_TRANSIT));
    await untilState(inTransit, OrderState.IN_TRANSIT);
    await traffic.publish(couponUseRejected(ordered), couponUseRejected(inTransit));
    for (const id of [ordered, inTransit]) {
      await untilState(id, OrderState.CANCELLED);
      expect((await orderOf(id)).cancelReason).to.equal(CancelReason.COUPON_ALREADY_USED);
      const cancelled = await EventTraffic.next(published, orderEvents.OrderCancelled, (payload) => payload.orderId === id);
      expect(cancelled.payload).to.deep.equal({ orderId: id, couponId, reason: EventCancelReason.COUPON_ALREADY_USED });
      expect(cancelled.correlationId).to.equal(String(id));
    }
  });

  it('keeps a DELIVERED order when its coupon use is rejected', async () => {
    const id = await placeOrder(true);
    await traffic.publish(deliveryStatusChanged(id, DeliveryState.DELIVERED));
    await untilState(id, OrderState.DELIVERED);
    await traffic.publish(couponUseRejected(id));
    await handledUpToHere();
    expect(await stateOf(id)).to.equal(OrderState.DELIVERED);
    expect(publishedFor(id)).to.deep.equal([stateChanged(id, OrderState.DELIVERED)]);
  });

  it('confirms the delivery start of an order with a coupon only once CouponUsed settled the coupon, whichever comes first', async () => {
    const startedFirst = await placeOrder(true);
    const usedFirst = await placeOrder(true);
    await traffic.publish(deliveryStarted(startedFirst), couponUsed(usedFirst));
    await handledUpToHere();
    expect([await stateOf(startedFirst), await stateOf(usedFirst)]).to.deep.equal([OrderState.ORDERED, OrderState.ORDERED]);
    expect([...publishedFor(startedFirst), ...publishedFor(usedFirst)]).to.deep.equal([]);

    await traffic.publish(couponUsed(startedFirst), deliveryStarted(usedFirst));
    for (const id of [startedFirst, usedFirst]) {
      await untilState(id, OrderState.DELIVERY_STARTED);
      await EventTraffic.next(published, orderEvents.OrderStateChanged, (payload) => payload.orderId === id);
      expect(publishedFor(id)).to.deep.equal([stateChanged(id, OrderState.DELIVERY_STARTED)]);
    }
  });

  it('lets the customer cancel while the delivery start waits for the coupon, and confirms nothing afterwards', async () => {
    const id = await placeOrder(true);
    await traffic.publish(deliveryStarted(id));
    await handledUpToHere();
    expect((await order.client.call('cancelOrder', { id })).state).to.equal(OrderState.CANCELLED);
    await traffic.publish(couponUsed(id), deliveryStarted(id));
    await handledUpToHere();
    expect(await stateOf(id)).to.equal(OrderState.CANCELLED);
    expect(publishedFor(id)).to.deep.equal([
      { subject: orderEvents.OrderCancelled.subject, payload: { orderId: id, couponId, reason: EventCancelReason.CUSTOMER_REQUEST } },
    ]);
  });

  it('cancels an order whose delivery start waits for the coupon when the coupon is rejected, with COUPON_ALREADY_USED', async () => {
    const id = await placeOrder(true);
    await traffic.publish(deliveryStarted(id));
    await handledUpToHere();
    await traffic.publish(couponUseRejected(id));
    await untilState(id, OrderState.CANCELLED);
    await EventTraffic.next(published, orderEvents.OrderCancelled, (payload) => payload.orderId === id);
    expect(publishedFor(id)).to.deep.equal([
      { subject: orderEvents.OrderCancelled.subject, payload: { orderId: id, couponId, reason: EventCancelReason.COUPON_ALREADY_USED } },
    ]);
  });

  it('waits for an order it does not have yet instead of dropping the event', async () => {
    const last = await placeOrder();
    const next = last + 1;
    await traffic.publish(deliveryStarted(next));
    expect(await placeOrder()).to.equal(next);
    await untilState(next, OrderState.DELIVERY_STARTED);
  });
});
