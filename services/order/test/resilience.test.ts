import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CouponState, type Coupon } from '#contracts/coupon/v1/coupon.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { callError } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import { placeOrderDirectly, placeOrderRequest, startCatalogUnderTest, startOrderUnderTest, startStandInCoupon, startPaymentUnderTest, type CatalogUnderTest, type OrderUnderTest, type PaymentUnderTest } from './support.js';

describe('order when catalog or coupon is down or slow', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let coupon: Awaited<ReturnType<typeof startStandInCoupon>>;
  let order: OrderUnderTest;
  let payment: PaymentUnderTest;
  let bookId: number;
  /** What the stand-in coupon does with the next GetCoupon: answer, or keep the caller waiting. */
  let couponAnswers: 'at once' | 'never' = 'at once';
  const held: (() => void)[] = [];

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    const issued = (id: number): Coupon => ({ id, customerId: 3, discount: 100, state: CouponState.ISSUED, createTime: undefined, updateTime: undefined });
    coupon = await startStandInCoupon(({ id }) =>
      couponAnswers === 'at once' ? Promise.resolve(issued(id)) : new Promise((resolve) => held.push(() => { resolve(issued(id)); })),
    );
    payment = await startPaymentUnderTest(nats.url);
    order = await startOrderUnderTest({ natsUrl: nats.url, catalogAddress: catalog.address, couponAddress: coupon.address, paymentAddress: payment.address });
    bookId = await catalog.newBook(5);
  });

  after(async () => {
    for (const release of held) release();
    await order.stop();
    await payment.stop();
    await coupon.stop();
    await catalog.stop();
    await nats.stop();
  });

  const orderCount = async (): Promise<number> => (await order.client.call('listOrders', { customerId: 0, pageSize: 100, pageToken: '' })).orders.length;

  // A dependency's outage is answered as ABORTED: order itself is healthy (README, "Error codes").
  it('answers ABORTED naming catalog while catalog is stopped, writes nothing, and places orders again once it is back', async () => {
    expect((await order.client.call('placeOrder', placeOrderRequest(bookId))).state).to.equal(OrderState.ORDERED);
    const before = await orderCount();

    await catalog.pause();
    const error = await callError(placeOrderDirectly(order.address, placeOrderRequest(bookId)));
    expect(error.code).to.equal(status.ABORTED);
    expect(error.details).to.match(/^catalog is unavailable/);
    expect(await orderCount()).to.equal(before);

    await catalog.resume();
    let placedAgain = false;
    // The breaker may have opened meanwhile; it lets a trial call through after its ejection time.
    await waitFor(
      async () => {
        placedAgain = (await order.client.call('placeOrder', placeOrderRequest(bookId))).state === OrderState.ORDERED;
        return placedAgain;
      },
      'an order placed after catalog came back',
      30_000,
      500,
    );
    expect(await orderCount()).to.equal(before + 1);
  });

  it('answers ABORTED naming coupon when coupon does not answer in time, and writes nothing', async () => {
    const before = await orderCount();
    couponAnswers = 'never';
    const error = await callError(placeOrderDirectly(order.address, placeOrderRequest(bookId, { couponId: 9 })));
    couponAnswers = 'at once';
    expect(error.code).to.equal(status.ABORTED);
    expect(error.details).to.match(/^coupon did not answer within \d+ ms$/);
    for (const release of held.splice(0)) release();
    expect(await orderCount()).to.equal(before);
  });

  it('answers ABORTED naming coupon when coupon is stopped', async () => {
    await coupon.stop();
    const error = await callError(placeOrderDirectly(order.address, placeOrderRequest(bookId, { couponId: 9 })));
    expect(error.code).to.equal(status.ABORTED);
    expect(error.details).to.match(/^coupon is unavailable/);
  });
});
