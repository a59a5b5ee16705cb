import { precondition } from '#kit/domain/errors.js';

export type CouponState = 'ISSUED' | 'USED' | 'REFUNDED';

/** A coupon as the order context sees it when a customer wants to use it. */
export interface Coupon {
  id: number;
  customerId: number;
  /** Minor units; capped at the order's line total (pricing.ts). */
  discount: number;
  state: CouponState;
}

/**
 * A coupon may go with an order when it is the customer's and available (ISSUED or REFUNDED).
 * This is a check at ordering time; the coupon context settles a race between two orders.
 */
export function checkCouponUsable(coupon: Coupon, customerId: number): void {
  if (coupon.customerId !== customerId) throw precondition({ reason: 'COUPON_NOT_OWNED', facts: { couponId: String(coupon.id), customerId: String(customerId) } }, `coupon ${coupon.id} does not belong to customer ${customerId}`);
  if (coupon.state === 'USED') throw precondition({ reason: 'COUPON_ALREADY_USED', facts: { couponId: String(coupon.id) } }, `coupon ${coupon.id} is already used`);
}
