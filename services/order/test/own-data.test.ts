import { credentials, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { OrderServiceClient, OrderState } from '#contracts/order/v1/order.js';
import { notOwnDataReason } from '#kit/access/own-data.js';
import { errorDetailsOf } from '#kit-testing/error-details.js';
import { callError } from '#kit-testing/grpc-probes.js';
import { callWithMetadata, customerClaims } from '#kit-testing/verified-claims.js';
import { NatsServer } from '#kit/process/nats-server.js';
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

describe('order checks that a customer cancels only their own order (owner_read_method), in the service', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let catalog: CatalogUnderTest;
  let coupon: CouponUnderTest;
  let order: OrderUnderTest;
  let payment: PaymentUnderTest;
  let raw: OrderServiceClient;

  before(async () => {
    nats = await NatsServer.start();
    catalog = await startCatalogUnderTest(nats.url);
    coupon = await startCouponUnderTest(nats.url);
    payment = await startPaymentUnderTest(nats.url);
    order = await startOrderUnderTest({ natsUrl: nats.url, catalogAddress: catalog.address, couponAddress: coupon.address, paymentAddress: payment.address, kind: 'sqlite' });
    raw = new OrderServiceClient(order.address, credentials.createInsecure());
  });

  after(async () => {
    raw.close();
    await order.stop();
    await payment.stop();
    await coupon.stop();
    await catalog.stop();
    await nats.stop();
  });

  it('refuses another customer\'s cancel and leaves the order as it was; the owner cancels it', async () => {
    const placed = await order.client.call('placeOrder', placeOrderRequest(await catalog.newBook(5)));
    const cancel = (customerId: number) => callWithMetadata(raw.cancelOrder.bind(raw), { id: placed.id }, customerClaims(customerId));

    const error = await callError(cancel(placed.customerId + 1));
    expect(error.code).to.equal(status.PERMISSION_DENIED);
    expect(errorDetailsOf(error)).to.deep.include({ reason: notOwnDataReason, facts: { customer: String(placed.customerId + 1) } });
    expect((await order.client.call('getOrder', { id: placed.id })).state).to.equal(OrderState.ORDERED);

    expect((await cancel(placed.customerId)).state).to.equal(OrderState.CANCELLED);
  });

  it('refuses an order placed for another customer (customer_field), before anything is written', async () => {
    const before = (await order.client.call('listOrders', { customerId: 0, pageSize: 100, pageToken: '' })).orders.length;
    const request = placeOrderRequest(await catalog.newBook(5));
    const error = await callError(callWithMetadata(raw.placeOrder.bind(raw), request, customerClaims(request.customerId + 1)));
    expect(error.code).to.equal(status.PERMISSION_DENIED);
    expect(errorDetailsOf(error).violations).to.deep.equal([`customerId: must be ${String(request.customerId + 1)}`]);
    expect((await order.client.call('listOrders', { customerId: 0, pageSize: 100, pageToken: '' })).orders).to.have.length(before);
  });
});
