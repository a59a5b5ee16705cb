import { isAvailable, refundCoupon, useCoupon, type Coupon } from './coupon.js';
import type { CouponEvent } from './events.js';

/**
 * What became of one order's coupon, remembered per order: a placement is decided once, and a
 * cancellation that overtakes its placement (redelivery, replicas) is not lost.
 * - USED: the order holds the coupon.
 * - REJECTED: the order may not use the coupon (taken by another order, unknown, another customer's).
 * - REFUNDED: the order used the coupon and was cancelled; the coupon went back to its customer.
 * - CANCELLED_BEFORE_PLACED: the cancellation came first; the late placement must not use the coupon.
 */
export type CouponUseState = 'USED' | 'REJECTED' | 'REFUNDED' | 'CANCELLED_BEFORE_PLACED';

export interface CouponUse {
  orderId: number;
  couponId: number;
  state: CouponUseState;
}

/** An OrderPlaced that names a coupon. */
export interface OrderPlacement {
  orderId: number;
  customerId: number;
  couponId: number;
}

/** An OrderCancelled that names a coupon. */
export interface OrderCancellation {
  orderId: number;
  couponId: number;
}

export interface CouponDecision {
  /** The coupon as it must be saved; undefined when it does not change. */
  coupon?: Coupon;
  /** The order's use as it must be added or saved; undefined when it does not change. */
  use?: CouponUse;
  events: CouponEvent[];
}

const nothing: CouponDecision = { events: [] };

/**
 * An order names a coupon: an available coupon of the order's customer becomes USED by it; any
 * other is refused with CouponUseRejected (the order context then cancels the order), and the
 * coupon stays as it is. Decided once per order.
 */
export function decidePlacement(coupon: Coupon | undefined, use: CouponUse | undefined, order: OrderPlacement, now: Date): CouponDecision {
  if (use !== undefined) return nothing;
  const { orderId, couponId } = order;
  if (coupon !== undefined && coupon.customerId === order.customerId && isAvailable(coupon)) {
    const used = useCoupon(coupon, orderId, now);
    return {
      coupon: used,
      use: { orderId, couponId, state: 'USED' },
      events: [{ kind: 'CouponUsed', couponId, customerId: used.customerId, orderId, discount: used.discount }],
    };
  }
  return {
    use: { orderId, couponId, state: 'REJECTED' },
    events: [
      {
        kind: 'CouponUseRejected',
        couponId,
        // An unknown coupon has no customer or discount of its own; the order's customer stands in.
        customerId: coupon?.customerId ?? order.customerId,
        orderId,
        discount: coupon?.discount ?? 0,
        usedByOrderId: coupon?.state === 'USED' ? coupon.orderId : undefined,
      },
    ],
  };
}

/**
 * An order that names a coupon was cancelled: the coupon it holds is REFUNDED. An order that never
 * held it (rejected, whatever the cancel reason says) leaves the coupon alone. A cancellation
 * ahead of its placement is remembered, so the placement will not use the coupon.
 */
export function decideCancellation(coupon: Coupon | undefined, use: CouponUse | undefined, order: OrderCancellation, now: Date): CouponDecision {
  const { orderId, couponId } = order;
  if (use === undefined) return { use: { orderId, couponId, state: 'CANCELLED_BEFORE_PLACED' }, events: [] };
  if (use.state !== 'USED' || coupon === undefined) return nothing;
  const refunded = refundCoupon(coupon, orderId, now);
  return {
    coupon: refunded,
    use: { ...use, state: 'REFUNDED' },
    events: [{ kind: 'CouponRefunded', couponId, customerId: refunded.customerId, orderId, discount: refunded.discount }],
  };
}
