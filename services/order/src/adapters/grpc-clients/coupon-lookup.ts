import { status } from '@grpc/grpc-js';
import { CouponState, type CouponServiceService } from '#contracts/coupon/v1/coupon.js';
import type { GrpcClient } from '#kit/grpc/client.js';
import { GrpcError } from '#kit/grpc/grpc-error.js';
import type { CouponLookup } from '../../app/ports.js';
import type { Coupon, CouponState as State } from '../../domain/coupon.js';

const domainStates: Partial<Record<CouponState, State>> = {
  [CouponState.ISSUED]: 'ISSUED',
  [CouponState.USED]: 'USED',
  [CouponState.REFUNDED]: 'REFUNDED',
};

/** CouponLookup through coupon's GetCoupon. Failures other than NOT_FOUND pass on, naming coupon. */
export class CouponServiceLookup implements CouponLookup {
  constructor(private readonly coupons: GrpcClient<typeof CouponServiceService>) {}

  async coupon(couponId: number): Promise<Coupon | undefined> {
    let coupon;
    try {
      coupon = await this.coupons.call('getCoupon', { id: couponId });
    } catch (error) {
      if (error instanceof GrpcError && error.code === status.NOT_FOUND) return undefined;
      throw error;
    }
    const state = domainStates[coupon.state];
    if (state === undefined) {
      throw new GrpcError(status.INTERNAL, `coupon answered GetCoupon(${couponId}) with a coupon in an unknown state`);
    }
    return { id: coupon.id, customerId: coupon.customerId, discount: coupon.discount, state };
  }
}
