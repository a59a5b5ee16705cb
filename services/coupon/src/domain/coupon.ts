import { invalid, precondition } from '#kit/domain/errors.js';

/** ISSUED and REFUNDED are available: an order may use the coupon. */
export type CouponState = 'ISSUED' | 'USED' | 'REFUNDED';

/** A discount a coupon manager issued to one customer. */
export interface Coupon {
  id: number;
  customerId: number;
  /** Minor units (cents); >= 0. */
  discount: number;
  state: CouponState;
  /** The order that used it last: the using order while USED, the cancelled one while REFUNDED. */
  orderId: number | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export type NewCoupon = Pick<Coupon, 'customerId' | 'discount'>;

export function issueCoupon(input: NewCoupon): NewCoupon {
  if (!Number.isSafeInteger(input.customerId) || input.customerId <= 0) throw invalid('customerId', 'must be a customer id (> 0)');
  if (!Number.isSafeInteger(input.discount) || input.discount < 0) throw invalid('discount', 'must be a whole number of minor units >= 0');
  return { customerId: input.customerId, discount: input.discount };
}

export function isAvailable(coupon: Coupon): boolean {
  return coupon.state === 'ISSUED' || coupon.state === 'REFUNDED';
}

export function useCoupon(coupon: Coupon, orderId: number, now: Date): Coupon {
  if (!isAvailable(coupon)) throw precondition({ reason: 'COUPON_NOT_AVAILABLE', facts: { couponId: String(coupon.id), state: coupon.state } }, `coupon ${coupon.id} is ${coupon.state} by order ${String(coupon.orderId)}`);
  return { ...coupon, state: 'USED', orderId, updatedAt: now };
}

/** The order that used the coupon was cancelled: the coupon is available again. */
export function refundCoupon(coupon: Coupon, orderId: number, now: Date): Coupon {
  if (coupon.state !== 'USED' || coupon.orderId !== orderId) throw precondition({ reason: 'COUPON_NOT_USED_BY_ORDER', facts: { couponId: String(coupon.id), orderId: String(orderId) } }, `coupon ${coupon.id} is not used by order ${orderId}`);
  return { ...coupon, state: 'REFUNDED', updatedAt: now };
}
