import { requestKey } from '#kit/db/request-keys.js';
import { issueCoupon, type Coupon, type NewCoupon } from '../domain/coupon.js';
import type { Clock, CouponStore } from './ports.js';

/** What a coupon manager does: issue coupons. Uses and refunds come from order events only. */
export class CouponCommands {
  constructor(
    private readonly store: CouponStore,
    private readonly clock: Clock,
  ) {}

  /** With a requestId (`''` for none) a retry returns the coupon issued first. */
  async issueCoupon(input: NewCoupon, requestId = ''): Promise<Coupon> {
    const valid = issueCoupon(input);
    return this.store.createOnce(requestKey('coupon', requestId, valid), async (tx) => {
      const coupon = await tx.addCoupon(valid, this.clock.now());
      await tx.record([{ kind: 'CouponIssued', couponId: coupon.id, customerId: coupon.customerId, discount: coupon.discount }]);
      return coupon;
    }, (id) => this.store.coupon(id));
  }
}
