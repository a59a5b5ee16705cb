import { credentials, Metadata, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CouponServiceClient, type Coupon, type GetCouponRequest, type ListCouponsRequest, type ListCouponsResponse } from '#contracts/coupon/v1/coupon.js';
import { notOwnDataReason, verifiedClaimsHeader } from '#kit/access/own-data.js';
import { callWithMetadata, customerClaims as customer, verifiedClaims as claims } from '#kit-testing/verified-claims.js';
import { callError } from '#kit-testing/grpc-probes.js';
import { errorDetailsOf } from '#kit-testing/error-details.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { startCouponUnderTest, type CouponUnderTest } from './support.js';

describe('coupon checks a customer\'s own data itself, from the verified claims an edge forwards', function () {
  this.timeout(30_000);
  let nats: NatsServer;
  let coupon: CouponUnderTest;
  let raw: CouponServiceClient;
  let minjisCoupon: Coupon;

  const getCoupon = (request: GetCouponRequest, metadata: Metadata): Promise<Coupon> => callWithMetadata(raw.getCoupon.bind(raw), request, metadata);
  const listCoupons = (request: ListCouponsRequest, metadata: Metadata): Promise<ListCouponsResponse> => callWithMetadata(raw.listCoupons.bind(raw), request, metadata);

  before(async () => {
    nats = await NatsServer.start();
    coupon = await startCouponUnderTest(nats.url);
    raw = new CouponServiceClient(coupon.address, credentials.createInsecure());
    minjisCoupon = await coupon.client.call('issueCoupon', { customerId: 41, discount: 500, requestId: '' });
  });

  after(async () => {
    raw.close();
    await coupon.stop();
    await nats.stop();
  });

  it('serves a customer their own coupon and their own list', async () => {
    expect(await getCoupon({ id: minjisCoupon.id }, customer(41))).to.deep.equal(minjisCoupon);
    expect((await listCoupons({ customerId: 41, pageSize: 10, pageToken: '' }, customer(41))).coupons.map((found) => found.id)).to.deep.equal([minjisCoupon.id]);
  });

  it('refuses another customer\'s coupon (response_customer_field) with PERMISSION_DENIED and ErrorInfo', async () => {
    const error = await callError(getCoupon({ id: minjisCoupon.id }, customer(42)));
    expect(error.code).to.equal(status.PERMISSION_DENIED);
    expect(errorDetailsOf(error)).to.deep.include({ reason: notOwnDataReason, domain: 'bookstore', facts: { customer: '42' } });
  });

  it('refuses a request naming another customer (customer_field), naming the field', async () => {
    const error = await callError(listCoupons({ customerId: 41, pageSize: 10, pageToken: '' }, customer(42)));
    expect(error.code).to.equal(status.PERMISSION_DENIED);
    expect(errorDetailsOf(error)).to.deep.include({ reason: notOwnDataReason, violations: ['customerId: must be 42'] });
  });

  it('refuses forged claims without a subject and roles', async () => {
    const error = await callError(getCoupon({ id: minjisCoupon.id }, claims({ roles: ['customer'] })));
    expect(error.code).to.equal(status.PERMISSION_DENIED);
    const garbage = new Metadata();
    garbage.set(verifiedClaimsHeader, 'not-base64-json');
    expect((await callError(getCoupon({ id: minjisCoupon.id }, garbage))).code).to.equal(status.PERMISSION_DENIED);
  });

  it('lets a staff role the method admits read any customer\'s coupon', async () => {
    expect(await getCoupon({ id: minjisCoupon.id }, claims({ sub: 'coupon-manager', roles: ['coupon-manager'] }))).to.deep.equal(minjisCoupon);
  });
});
