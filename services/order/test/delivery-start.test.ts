import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DeliverableState } from '#contracts/catalog/v1/catalog.js';
import { CouponState } from '#contracts/coupon/v1/coupon.js';
import { DeliveryState, type Delivery } from '#contracts/delivery/v1/delivery.js';
import { CancelReason, OrderState } from '#contracts/order/v1/order.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { callError } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { courierMoves, startDeliveryUnderTest, type DeliveryUnderTest } from '../../delivery/test/support.js';
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
const couponId = 70;

const { used: couponUsed, useRejected: couponUseRejected } = couponNews(couponId, customerId);

/**
 * The window the handshake closes: the real catalog prepares the book and the real delivery starts
 * the parcel, while the order waits for its coupon to be settled. The test plays the coupon context
 * on the stream (the stand-in coupon service only answers PlaceOrder's GetCoupon), so the order
 * waits exactly as long as the test says.
 */
describe('the delivery start, confirmed by the order, with the real catalog and delivery', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let coupon: Awaited<ReturnType<typeof startStandInCoupon>>;
  let deliveryStore: TestDatabase;
  let delivery: DeliveryUnderTest;
  let order: OrderUnderTest;
  let payment: PaymentUnderTest;
  let traffic: EventTraffic;

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    coupon = await startStandInCoupon(({ id }) =>
      Promise.resolve({ id, customerId, discount: 100, state: CouponState.ISSUED, createTime: undefined, updateTime: undefined }),
    );
    deliveryStore = await createTestStore('sqlite', 'delivery_handshake');
    delivery = await startDeliveryUnderTest(nats.url, deliveryStore.url);
    payment = await startPaymentUnderTest(nats.url);
    order = await startOrderUnderTest({ natsUrl: nats.url, catalogAddress: catalog.address, couponAddress: coupon.address, paymentAddress: payment.address });
    traffic = await EventTraffic.open(nats.url);
  });

  after(async () => {
    await traffic.close();
    await order.stop();
    await payment.stop();
    await delivery.stop();
    await deliveryStore.drop();
    await coupon.stop();
    await catalog.stop();
    await nats.stop();
  });

  const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitFor(check, what, 20_000);
  const orderState = async (id: number): Promise<OrderState> => (await order.client.call('getOrder', { id })).state;
  const stockOf = async (bookId: number): Promise<number> => (await catalog.client.call('getBook', { id: bookId })).stock;
  const deliverableState = async (orderId: number): Promise<DeliverableState | undefined> =>
    (await catalog.client.call('listDeliverables', { orderId, bookId: 0, states: [], pageSize: 1, pageToken: '' })).deliverables[0]?.state;
  const move = (parcel: Delivery, state: DeliveryState) => delivery.client.call('updateDeliveryStatus', { id: parcel.id, state });

  /** An order of the only copy of a new book, with a coupon: catalog prepares it and delivery starts the parcel. */
  const orderWithStartedParcel = async (): Promise<{ bookId: number; orderId: number; parcel: Delivery }> => {
    const bookId = await catalog.newBook(1);
    const orderId = (await order.client.call('placeOrder', placeOrderRequest(bookId, { customerId, couponId }))).id;
    let parcel: Delivery | undefined;
    await until(`the parcel of order ${orderId} to start`, async () => {
      parcel = await delivery.deliveryOf(orderId);
      return parcel?.state === DeliveryState.STARTED;
    });
    if (parcel === undefined) throw new Error(`order ${orderId} has no parcel`);
    expect(await stockOf(bookId)).to.equal(0);
    return { bookId, orderId, parcel };
  };

  /** Nothing moves: the order, its parcel and its deliverable are cancelled, and the copy is back on the shelf. */
  const everythingUndone = async (bookId: number, orderId: number, parcel: Delivery): Promise<void> => {
    await until(`the parcel of order ${orderId} to be cancelled`, async () => (await delivery.deliveryOf(orderId))?.state === DeliveryState.CANCELLED);
    await until(`the deliverable of order ${orderId} to be cancelled`, async () => (await deliverableState(orderId)) === DeliverableState.CANCELLED);
    expect(await stockOf(bookId)).to.equal(1);
    const refused = await callError(move(parcel, DeliveryState.IN_TRANSIT));
    expect(refused.code).to.equal(status.FAILED_PRECONDITION);
    expect(refused.details).to.contain('its order was cancelled');
  };

  it('keeps the parcel where it is while the order waits for its coupon, so a cancel then leaves nothing moving', async () => {
    const { bookId, orderId, parcel } = await orderWithStartedParcel();
    const early = await callError(move(parcel, DeliveryState.IN_TRANSIT));
    expect(early.code).to.equal(status.FAILED_PRECONDITION);
    expect(early.details).to.contain(`order ${orderId} has not confirmed the delivery start yet; try again shortly`);

    const cancelled = await order.client.call('cancelOrder', { id: orderId });
    expect(cancelled).to.include({ state: OrderState.CANCELLED, cancelReason: CancelReason.CUSTOMER_REQUEST });
    await everythingUndone(bookId, orderId, parcel);
  });

  it('cancels the order when its coupon is rejected while it waits, before the parcel moved', async () => {
    const { bookId, orderId, parcel } = await orderWithStartedParcel();
    await traffic.publish(couponUseRejected(orderId));
    await until(`order ${orderId} to be cancelled`, async () => (await orderState(orderId)) === OrderState.CANCELLED);
    expect((await order.client.call('getOrder', { id: orderId })).cancelReason).to.equal(CancelReason.COUPON_ALREADY_USED);
    await everythingUndone(bookId, orderId, parcel);
  });

  it('confirms the start once the coupon is settled: the courier moves the parcel and the order can no longer be cancelled', async () => {
    const { orderId, parcel } = await orderWithStartedParcel();
    await traffic.publish(couponUsed(orderId));
    await until(`order ${orderId} to confirm the delivery start`, async () => (await orderState(orderId)) === OrderState.DELIVERY_STARTED);
    expect((await courierMoves(delivery, parcel.id, DeliveryState.IN_TRANSIT)).state).to.equal(DeliveryState.IN_TRANSIT);
    await until(`order ${orderId} to be in transit`, async () => (await orderState(orderId)) === OrderState.IN_TRANSIT);
    expect((await callError(order.client.call('cancelOrder', { id: orderId }))).code).to.equal(status.FAILED_PRECONDITION);
  });
});
