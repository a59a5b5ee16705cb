import { confirmWhenSettled } from './delivery-start.js';
import { cancel, type Decision, type Order } from './order.js';

/** The order's payment as the payment context reports it: PENDING -> PAID | DECLINED | VOIDED, PAID -> REFUNDED. */
export type PaymentState = 'PENDING' | 'PAID' | 'DECLINED' | 'VOIDED' | 'REFUNDED';

const rank: Record<PaymentState, number> = { PENDING: 0, PAID: 1, DECLINED: 2, VOIDED: 2, REFUNDED: 2 };

/**
 * News of the payment (Pay's answer or one of payment's events, in any order): the state only
 * moves forward, so a late PaymentCompleted does not undo a REFUNDED. PAID may confirm the delivery
 * start (delivery-start.ts); DECLINED cancels an order that is not cancelled yet with reason
 * PAYMENT_DECLINED (compensation: stock, coupon and delivery are undone as for any cancel). The
 * delivery never started before PAID, so a declined order is still ORDERED.
 */
export function recordPayment(order: Order, state: PaymentState, now: Date): Decision {
  if (rank[state] <= rank[order.paymentState]) return { order, events: [] };
  const recorded: Order = { ...order, paymentState: state, updatedAt: now };
  if (state === 'PAID') {
    const confirmed = confirmWhenSettled(recorded, now);
    return confirmed.order === recorded ? { order: recorded, events: [] } : confirmed;
  }
  if (state === 'DECLINED' && order.state === 'ORDERED') return cancel(recorded, 'PAYMENT_DECLINED', now);
  return { order: recorded, events: [] };
}
