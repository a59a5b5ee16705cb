import { NotYet } from '#kit/events/event.js';
import { advanceDelivery, rejectCouponUse, type Decision, type DeliveryProgress, type Order } from '../domain/order.js';
import type { Clock, OrderTransaction } from './ports.js';

/**
 * The order's policies (DOMAIN.md, Order): the delivery moves an order forward; a coupon another
 * order used first cancels it (compensation).
 */
export class OrderPolicies {
  constructor(private readonly clock: Clock) {}

  whenDeliveryProgressed(tx: OrderTransaction, orderId: number, progress: DeliveryProgress): Promise<void> {
    return this.decide(tx, orderId, (order, now) => advanceDelivery(order, progress, now));
  }

  whenCouponUseRejected(tx: OrderTransaction, orderId: number, couponId: number): Promise<void> {
    return this.decide(tx, orderId, (order, now) => rejectCouponUse(order, couponId, now));
  }

  private async decide(tx: OrderTransaction, orderId: number, rule: (order: Order, now: Date) => Decision): Promise<void> {
    const order = await tx.orderForUpdate(orderId);
    if (order === undefined) throw new NotYet(`order ${orderId} is not in the order store yet`);
    const decision = rule(order, this.clock.now());
    if (decision.events.length === 0) return;
    await tx.saveOrder(decision.order);
    await tx.record(decision.events);
  }
}
