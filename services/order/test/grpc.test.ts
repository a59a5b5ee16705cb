import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CouponState } from '#contracts/coupon/v1/coupon.js';
import { CancelReason, OrderState, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import { errorDetailsOf } from '#kit-testing/error-details.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import {
  placeOrderRequest,
  startCatalogUnderTest,
  startCouponUnderTest,
  startOrderUnderTest,
  startPaymentUnderTest,
  type CatalogUnderTest,
  type CouponUnderTest,
  type OrderUnderTest,
  type PaymentUnderTest,
} from './support.js';

describe('order over gRPC, asking the real catalog and coupon', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let coupon: CouponUnderTest;
  let order: OrderUnderTest;
  let payment: PaymentUnderTest;
  let bookId: number;

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    coupon = await startCouponUnderTest(nats.url);
    payment = await startPaymentUnderTest(nats.url);
    order = await startOrderUnderTest({ natsUrl: nats.url, catalogAddress: catalog.address, couponAddress: coupon.address, paymentAddress: payment.address, kind: 'postgres' });
    bookId = await catalog.newBook(10);
  });

  after(async () => {
    await order.stop();
    await payment.stop();
    await coupon.stop();
    await catalog.stop();
    await nats.stop();
  });

  const place = (request: PlaceOrderRequest) => order.client.call('placeOrder', request);
  const orderCount = async (): Promise<number> => (await order.client.call('listOrders', { customerId: 0, pageSize: 100, pageToken: '' })).orders.length;
  const issueCoupon = async (customerId: number): Promise<number> => (await coupon.client.call('issueCoupon', { customerId, discount: 500, requestId: '' })).id;
  const couponOf = (id: number) => coupon.client.call('getCoupon', { id });

  it('lists bookstore.order.v1.OrderService through server reflection', async () => {
    const { services } = await reflect(order.address, 'bookstore.order.v1.OrderService');
    expect(services).to.include('bookstore.order.v1.OrderService');
  });

  it('places an order for a book in the catalog as ORDERED, and reads it back', async () => {
    const placed = await place(placeOrderRequest(bookId, { quantity: 2, deliveryAddress: '  221B Baker Street, London ' }));
    expect(placed).to.include({ customerId: 3, bookId, quantity: 2, couponId: undefined, deliveryAddress: '221B Baker Street, London' });
    expect(placed.state).to.equal(OrderState.ORDERED);
    expect(placed.cancelReason).to.equal(undefined);
    expect(await order.client.call('getOrder', { id: placed.id })).to.deep.equal(placed);
  });

  it('accepts an order for a book without stock', async () => {
    const emptyBook = await catalog.newBook(0);
    const placed = await place(placeOrderRequest(emptyBook, { quantity: 5 }));
    expect(placed.state).to.equal(OrderState.ORDERED);
  });

  it('refuses a book the catalog does not have with NOT_FOUND naming the book, and writes nothing', async () => {
    const before = await orderCount();
    const error = await callError(order.client.call('placeOrder', placeOrderRequest(987_654)));
    expect(error.code).to.equal(status.NOT_FOUND);
    expect(error.details).to.equal('book 987654 not found');
    expect(await orderCount()).to.equal(before);
  });

  const invalidCases: [string, () => Promise<unknown>, string][] = [
    ['a customer id of 0', () => order.client.call('placeOrder', placeOrderRequest(1, { customerId: 0 })), 'customerId'],
    ['a book id of 0', () => order.client.call('placeOrder', placeOrderRequest(0)), 'bookId'],
    ['a quantity of 0', () => order.client.call('placeOrder', placeOrderRequest(1, { quantity: 0 })), 'quantity'],
    ['a blank delivery address', () => order.client.call('placeOrder', placeOrderRequest(1, { deliveryAddress: '  ' })), 'deliveryAddress'],
    ['a delivery address too long', () => order.client.call('placeOrder', placeOrderRequest(1, { deliveryAddress: 'x'.repeat(501) })), 'deliveryAddress'],
    ['a negative coupon id', () => order.client.call('placeOrder', placeOrderRequest(1, { couponId: -1 })), 'couponId'],
    ['a requestId too long', () => order.client.call('placeOrder', placeOrderRequest(1, { requestId: 'r'.repeat(101) })), 'requestId'],
    ['a requestId with a control character', () => order.client.call('placeOrder', placeOrderRequest(1, { requestId: 'retry\t1' })), 'requestId'],
    ['a delivery address with a NUL', () => order.client.call('placeOrder', placeOrderRequest(1, { deliveryAddress: '1 Baker\u0000Street' })), 'deliveryAddress'],
    ['an order id of 0 to read', () => order.client.call('getOrder', { id: 0 }), 'id'],
    ['an order id of 0 to cancel', () => order.client.call('cancelOrder', { id: 0 }), 'id'],
    ['a negative customer id to list', () => order.client.call('listOrders', { customerId: -1, pageSize: 0, pageToken: '' }), 'customerId'],
    ['a page size over 100', () => order.client.call('listOrders', { customerId: 0, pageSize: 101, pageToken: '' }), 'pageSize'],
    ['a page token it did not issue', () => order.client.call('listOrders', { customerId: 0, pageSize: 0, pageToken: 'bogus' }), 'pageToken'],
  ];
  for (const [what, call, field] of invalidCases) {
    it(`answers ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      const error = await callError(call());
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
      expect(errorDetailsOf(error)).to.deep.include({ reason: 'INVALID_FIELD', violations: [error.details] });
    });
  }

  it('answers an order that does not exist with NOT_FOUND', async () => {
    for (const call of [order.client.call('getOrder', { id: 424_242 }), order.client.call('cancelOrder', { id: 424_242 })]) {
      const error = await callError(call);
      expect(error.code).to.equal(status.NOT_FOUND);
      expect(error.details).to.equal('order 424242 not found');
    }
  });

  it('places an order with an available coupon of the customer; the coupon context then marks it USED', async () => {
    const couponId = await issueCoupon(3);
    const placed = await place(placeOrderRequest(bookId, { couponId }));
    expect(placed.couponId).to.equal(couponId);
    await waitFor(async () => (await couponOf(couponId)).orderId === placed.id, `coupon ${couponId} used by order ${placed.id}`, 20_000);
    expect((await couponOf(couponId)).state).to.equal(CouponState.USED);
  });

  it('refuses a used coupon, a coupon of another customer and an unknown coupon with clear errors, writing nothing', async () => {
    const used = await issueCoupon(3);
    await place(placeOrderRequest(bookId, { couponId: used }));
    await waitFor(async () => (await couponOf(used)).state === CouponState.USED, `coupon ${used} used`, 20_000);
    const othersCoupon = await issueCoupon(4);
    const before = await orderCount();

    const usedError = await callError(order.client.call('placeOrder', placeOrderRequest(bookId, { couponId: used })));
    expect(usedError.code).to.equal(status.FAILED_PRECONDITION);
    expect(usedError.details).to.equal(`coupon ${used} is already used`);
    expect(errorDetailsOf(usedError)).to.deep.include({ reason: 'COUPON_ALREADY_USED', facts: { couponId: String(used) } });

    const othersError = await callError(order.client.call('placeOrder', placeOrderRequest(bookId, { couponId: othersCoupon })));
    expect(othersError.code).to.equal(status.FAILED_PRECONDITION);
    expect(othersError.details).to.equal(`coupon ${othersCoupon} does not belong to customer 3`);
    expect(errorDetailsOf(othersError).reason).to.equal('COUPON_NOT_OWNED');

    const unknownError = await callError(order.client.call('placeOrder', placeOrderRequest(bookId, { couponId: 777_777 })));
    expect(unknownError.code).to.equal(status.NOT_FOUND);
    expect(unknownError.details).to.equal('coupon 777777 not found');
    expect(errorDetailsOf(unknownError)).to.deep.include({ reason: 'COUPON_NOT_FOUND', facts: { couponId: '777777' } });

    expect(await orderCount()).to.equal(before);
  });

  it('cancels an ORDERED order, keeps it as CANCELLED, and the coupon it used is REFUNDED', async () => {
    const couponId = await issueCoupon(3);
    const placed = await place(placeOrderRequest(bookId, { couponId }));
    await waitFor(async () => (await couponOf(couponId)).state === CouponState.USED, `coupon ${couponId} used`, 20_000);
    const cancelled = await order.client.call('cancelOrder', { id: placed.id });
    expect(cancelled).to.include({ id: placed.id, state: OrderState.CANCELLED, cancelReason: CancelReason.CUSTOMER_REQUEST });
    expect((await order.client.call('getOrder', { id: placed.id })).state).to.equal(OrderState.CANCELLED);
    await waitFor(async () => (await couponOf(couponId)).state === CouponState.REFUNDED, `coupon ${couponId} refunded`, 20_000);

    const again = await callError(order.client.call('cancelOrder', { id: placed.id }));
    expect(again.code).to.equal(status.FAILED_PRECONDITION);
    expect(again.details).to.equal(`order ${placed.id} is already cancelled`);
    expect(errorDetailsOf(again).reason).to.equal('ORDER_ALREADY_CANCELLED');
  });

  it('answers a retry with a requestId with the same order, and lets another customer use that requestId', async () => {
    const before = await orderCount();
    const placed = await place(placeOrderRequest(bookId, { customerId: 81, requestId: 'b1c4e1a2-retry' }));
    expect(await place(placeOrderRequest(bookId, { customerId: 81, requestId: 'b1c4e1a2-retry' }))).to.deep.equal(placed);
    const another = await place(placeOrderRequest(bookId, { customerId: 82, requestId: 'b1c4e1a2-retry' }));
    expect(another.id).to.not.equal(placed.id);
    expect(await orderCount()).to.equal(before + 2);

    const reused = await callError(order.client.call('placeOrder', placeOrderRequest(bookId, { customerId: 81, quantity: 4, requestId: 'b1c4e1a2-retry' })));
    expect(reused.code).to.equal(status.FAILED_PRECONDITION);
    expect(reused.details).to.equal(`requestId b1c4e1a2-retry was already used for order ${placed.id} with different details`);
    expect(errorDetailsOf(reused).reason).to.equal('REQUEST_ID_REUSED');
  });

  it('lists the orders of one customer, oldest first, a page at a time', async () => {
    const mine = [];
    for (let index = 0; index < 3; index += 1) mine.push((await place(placeOrderRequest(bookId, { customerId: 91 }))).id);
    await place(placeOrderRequest(bookId, { customerId: 92 }));
    const first = await order.client.call('listOrders', { customerId: 91, pageSize: 2, pageToken: '' });
    expect(first.orders.map((listed) => listed.id)).to.deep.equal(mine.slice(0, 2));
    const second = await order.client.call('listOrders', { customerId: 91, pageSize: 2, pageToken: first.nextPageToken });
    expect(second.orders.map((listed) => listed.id)).to.deep.equal(mine.slice(2));
    expect(second.nextPageToken).to.equal('');
  });
});
