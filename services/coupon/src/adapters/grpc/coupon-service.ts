import type { CouponServiceServer } from '#contracts/coupon/v1/coupon.js';
import { unary } from '#kit/grpc/unary.js';
import type { CouponCommands } from '../../app/coupon-commands.js';
import type { CouponQueries } from '../../app/coupon-queries.js';
import { couponMessage } from './messages.js';

/** bookstore.coupon.v1.CouponService: decode, call the use case, encode. */
export function couponService(commands: CouponCommands, queries: CouponQueries): CouponServiceServer {
  return {
    issueCoupon: unary(async (request) => couponMessage(await commands.issueCoupon({ customerId: request.customerId, discount: request.discount }, request.requestId))),

    getCoupon: unary(async (request) => couponMessage(await queries.coupon(request.id))),

    listCoupons: unary(async (request) => {
      const page = await queries.coupons(request.customerId, request);
      return { coupons: page.items.map(couponMessage), nextPageToken: page.nextPageToken };
    }),
  };
}
