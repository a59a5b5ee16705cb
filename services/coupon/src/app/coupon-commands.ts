import { issueCoupon, type Coupon, type NewCoupon } from '../domain/coupon.js';
import type { Clock, CouponStore } from './ports.js';

/** What a coupon manager does: issue coupons. Uses and refunds come from order events only. */
export class CouponCommands {
  constructor(
    private readonly store: CouponStore,
    private readonly clock: Clock,
  ) {}

  async issueCoupon(input: NewCoupon): Promise<Coupon> {
    const valid = issueCoupon(input);
    return this.store.transaction(async (tx) => {
      const coupon = await tx.addCoupon(valid, this.clock.now());
      await tx.record([{ kind: 'CouponIssued', couponId: coupon.id, customerId: coupon.customerId, discount: coupon.discount }]);
      return coupon;
    });
  }
}
