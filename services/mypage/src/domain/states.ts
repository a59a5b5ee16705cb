/**
 * The order's and the delivery's states as their owning contexts name them, in the order they move.
 * The read side only mirrors them: a state it has shown never goes back.
 */
export const orderStates = ['ORDERED', 'DELIVERY_STARTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'] as const;
export type OrderState = (typeof orderStates)[number];

export const deliveryStates = ['READY', 'STARTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

export type CancelReason = 'CUSTOMER_REQUEST' | 'COUPON_ALREADY_USED' | 'PAYMENT_DECLINED';

/** The order's payment as the payment context names it: PENDING -> PAID | DECLINED | VOIDED, PAID -> REFUNDED. */
export const paymentStates = ['PENDING', 'PAID', 'DECLINED', 'VOIDED', 'REFUNDED'] as const;
export type PaymentState = (typeof paymentStates)[number];

const paymentRank: Record<PaymentState, number> = { PENDING: 0, PAID: 1, DECLINED: 2, VOIDED: 2, REFUNDED: 2 };

/** The payment state after `next` arrives: forward only, so a late PaymentCompleted does not undo a refund. */
export function forwardPayment(current: PaymentState | undefined, next: PaymentState): PaymentState {
  return current === undefined || paymentRank[next] > paymentRank[current] ? next : current;
}

/** Nothing follows these: the owning contexts never move an order or a delivery out of them. */
const finalStates: ReadonlySet<string> = new Set(['DELIVERED', 'CANCELLED']);

/**
 * The state after `next` arrives: later in `order` than `current`, else `current`, and `current`
 * whatever arrives once it is final. Events cross subjects and replicas in any order, so a late,
 * older state changes nothing.
 */
export function forward<S extends string>(order: readonly S[], current: S | undefined, next: S): S {
  if (current === undefined) return next;
  if (finalStates.has(current)) return current;
  return order.indexOf(next) > order.indexOf(current) ? next : current;
}
