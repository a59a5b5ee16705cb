import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CouponState } from '#contracts/coupon/v1/coupon.js';
import { couponEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { startCouponUnderTest, type CouponUnderTest } from './support.js';

describe('coupon over gRPC', function () {
  this.timeout(30_000);
  let nats: NatsServer;
  let coupon: CouponUnderTest;
  let traffic: EventTraffic;
  let issued: ReceivedEvent[];

  before(async () => {
    nats = await NatsServer.start();
    coupon = await startCouponUnderTest(nats.url, 'postgres');
    traffic = await EventTraffic.open(nats.url);
    issued = await traffic.watch([couponEvents.CouponIssued]);
  });

  after(async () => {
    await traffic.close();
    await coupon.stop();
    await nats.stop();
  });

  it('lists bookstore.coupon.v1.CouponService through server reflection', async () => {
    const { services } = await reflect(coupon.address, 'bookstore.coupon.v1.CouponService');
    expect(services).to.include('bookstore.coupon.v1.CouponService');
  });

  it('issues a coupon, publishes CouponIssued, and reads it back with what PlaceOrder checks', async () => {
    const created = await coupon.client.call('issueCoupon', { customerId: 7, discount: 1500 });
    expect(created).to.include({ customerId: 7, discount: 1500, state: CouponState.ISSUED, orderId: undefined });
    const { id } = created;
    expect(id).to.be.greaterThan(0);
    expect(await coupon.client.call('getCoupon', { id })).to.deep.equal(created);

    const event = await EventTraffic.next(issued, couponEvents.CouponIssued, (payload) => payload.couponId === id);
    expect(event.payload).to.deep.equal({ couponId: id, customerId: 7, discount: 1500 });
    expect(event.correlationId).to.equal(`coupon-${id}`);
  });

  it('lists a customer\'s coupons oldest first, a page at a time', async () => {
    const ids: number[] = [];
    for (const discount of [100, 200, 300]) ids.push((await coupon.client.call('issueCoupon', { customerId: 8, discount })).id);
    await coupon.client.call('issueCoupon', { customerId: 9, discount: 1 });
    const first = await coupon.client.call('listCoupons', { customerId: 8, pageSize: 2, pageToken: '' });
    expect(first.coupons.map((c) => c.id)).to.deep.equal(ids.slice(0, 2));
    const second = await coupon.client.call('listCoupons', { customerId: 8, pageSize: 2, pageToken: first.nextPageToken });
    expect(second.coupons.map((c) => c.id)).to.deep.equal(ids.slice(2));
    expect(second.nextPageToken).to.equal('');
    const everyone = await coupon.client.call('listCoupons', { customerId: 0, pageSize: 100, pageToken: '' });
    expect(new Set(everyone.coupons.map((c) => c.customerId))).to.deep.equal(new Set([7, 8, 9]));
  });

  const invalidCases: [string, () => Promise<unknown>, string][] = [
    ['a negative discount', () => coupon.client.call('issueCoupon', { customerId: 1, discount: -1 }), 'discount'],
    ['customer 0', () => coupon.client.call('issueCoupon', { customerId: 0, discount: 100 }), 'customerId'],
    ['a negative customer', () => coupon.client.call('issueCoupon', { customerId: -4, discount: 100 }), 'customerId'],
    ['coupon id 0', () => coupon.client.call('getCoupon', { id: 0 }), 'id'],
    ['a list of a negative customer', () => coupon.client.call('listCoupons', { customerId: -1, pageSize: 0, pageToken: '' }), 'customerId'],
    ['a page size over 100', () => coupon.client.call('listCoupons', { customerId: 0, pageSize: 101, pageToken: '' }), 'pageSize'],
    ['a page token it did not issue', () => coupon.client.call('listCoupons', { customerId: 0, pageSize: 0, pageToken: 'bogus' }), 'pageToken'],
  ];
  for (const [what, call, field] of invalidCases) {
    it(`answers ${what} with INVALID_ARGUMENT naming ${field}`, async () => {
      const error = await callError(call());
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.match(new RegExp(`^${field}: `));
    });
  }

  it('answers a missing coupon with NOT_FOUND', async () => {
    const missing = await callError(coupon.client.call('getCoupon', { id: 424242 }));
    expect(missing.code).to.equal(status.NOT_FOUND);
    expect(missing.details).to.equal('coupon 424242 not found');
  });
});
