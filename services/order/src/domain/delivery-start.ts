import type { Decision, Order } from './order.js';

/**
 * The delivery-start handshake. Delivery starts a parcel when its book is prepared, but the courier
 * may move it only after the order confirms the start by moving to DELIVERY_STARTED (delivery reads
 * the OrderStateChanged that says so). The order confirms once delivery reported the start and, for
 * an order with a coupon, the coupon context settled the coupon as this order's (CouponUsed), and the
 * order is PAID (payment.ts). Until
 * then the order stays ORDERED, so a customer's cancel or a CouponUseRejected still meets a parcel
 * that has not moved. Both facts are remembered, whichever arrives first; a repeated one changes
 * nothing.
 */

/** DeliveryStarted: remembered while the order is ORDERED. Late news (the order moved on or was cancelled) changes nothing. */
export function recordDeliveryStart(order: Order, now: Date): Decision {
  if (order.state !== 'ORDERED' || order.deliveryStartedAt !== undefined) return { order, events: [] };
  return confirmWhenSettled({ ...order, deliveryStartedAt: now }, now);
}

/** CouponUsed for this order's coupon: remembered unless the order is cancelled (its coupon goes back then). */
export function recordCouponUse(order: Order, couponId: number, now: Date): Decision {
  if (order.couponId !== couponId || order.couponUsedAt !== undefined || order.state === 'CANCELLED') return { order, events: [] };
  return confirmWhenSettled({ ...order, couponUsedAt: now }, now);
}

/** An ORDERED order whose delivery started, whose coupon, if any, is settled and which is paid confirms the start. */
export function confirmWhenSettled(order: Order, now: Date): Decision {
  const couponSettled = order.couponId === undefined || order.couponUsedAt !== undefined;
  const paid = order.paymentState === 'PAID';
  if (order.state !== 'ORDERED' || order.deliveryStartedAt === undefined || !couponSettled || !paid) return { order, events: [] };
  return {
    order: { ...order, state: 'DELIVERY_STARTED', updatedAt: now },
    events: [{ kind: 'OrderStateChanged', orderId: order.id, state: 'DELIVERY_STARTED' }],
  };
}
