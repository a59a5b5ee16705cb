import { NotYet } from '#kit/events/event.js';
import { recordCouponUse, recordDeliveryStart } from '../domain/delivery-start.js';
import { advanceDelivery, rejectCouponUse, type CourierProgress, type Decision, type Order } from '../domain/order.js';
import { recordPayment, type PaymentState } from '../domain/payment.js';
import type { Clock, OrderTransaction } from './ports.js';

/**
 * The order's policies (DOMAIN.md, Order): the order confirms its delivery's start once the
 * delivery started, its coupon, if any, is settled and it is paid; the courier's moves carry it
 * forward; a coupon another order used first, or a declined payment, cancels it (compensation).
 */
export class OrderPolicies {
  constructor(private readonly clock: Clock) {}

  whenDeliveryStarted(tx: OrderTransaction, orderId: number): Promise<void> {
    return this.decide(tx, orderId, recordDeliveryStart);
  }

  whenCouponUsed(tx: OrderTransaction, orderId: number, couponId: number): Promise<void> {
    return this.decide(tx, orderId, (order, now) => recordCouponUse(order, couponId, now));
  }

  whenDeliveryProgressed(tx: OrderTransaction, orderId: number, progress: CourierProgress): Promise<void> {
    return this.decide(tx, orderId, (order, now) => advanceDelivery(order, progress, now));
  }

  whenCouponUseRejected(tx: OrderTransaction, orderId: number, couponId: number): Promise<void> {
    return this.decide(tx, orderId, (order, now) => rejectCouponUse(order, couponId, now));
  }

  /** PaymentCompleted, PaymentDeclined, PaymentRefunded, PaymentVoided: the state each one names. */
  whenPaymentSettled(tx: OrderTransaction, orderId: number, state: PaymentState): Promise<void> {
    return this.decide(tx, orderId, (order, now) => recordPayment(order, state, now));
  }

  /** A rule that leaves the order as it was (the same object) writes nothing. */
  private async decide(tx: OrderTransaction, orderId: number, rule: (order: Order, now: Date) => Decision): Promise<void> {
    const order = await tx.orderForUpdate(orderId);
    if (order === undefined) throw new NotYet(`order ${orderId} is not in the order store yet`);
    const decision = rule(order, this.clock.now());
    if (decision.order === order) return;
    await tx.saveOrder(decision.order);
    await tx.record(decision.events);
  }
}
