import { CouponState, type Coupon as CouponMessage } from '#contracts/coupon/v1/coupon.js';
import type { Coupon } from '../../domain/coupon.js';

/** A coupon as the API shows it; no orderId when no order ever used it. */
export const couponMessage = (coupon: Coupon): CouponMessage => ({
  id: coupon.id,
  customerId: coupon.customerId,
  discount: coupon.discount,
  state: CouponState[coupon.state],
  orderId: coupon.orderId,
  createTime: coupon.createdAt,
  updateTime: coupon.updatedAt,
});
