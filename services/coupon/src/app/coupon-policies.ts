import { decideCancellation, decidePlacement, type CouponDecision, type CouponUse, type OrderCancellation, type OrderPlacement } from '../domain/coupon-use.js';
import type { Clock, CouponTransaction } from './ports.js';

/**
 * The coupon's policies (DOMAIN.md, Coupon): an order that names a coupon uses it or is rejected;
 * a cancelled order gives back the coupon it held. The coupon row is locked first, so two orders
 * naming one coupon, or one order's placement and cancellation, are decided one after the other.
 */
export class CouponPolicies {
  constructor(private readonly clock: Clock) {}

  async whenOrderPlaced(tx: CouponTransaction, order: OrderPlacement): Promise<void> {
    const coupon = await tx.couponForUpdate(order.couponId);
    const use = await tx.useOfOrder(order.orderId);
    const now = this.clock.now();
    await apply(tx, use, decidePlacement(coupon, use, order, now), now);
  }

  async whenOrderCancelled(tx: CouponTransaction, order: OrderCancellation): Promise<void> {
    const coupon = await tx.couponForUpdate(order.couponId);
    const use = await tx.useOfOrder(order.orderId);
    const now = this.clock.now();
    await apply(tx, use, decideCancellation(coupon, use, order, now), now);
  }
}

async function apply(tx: CouponTransaction, before: CouponUse | undefined, decision: CouponDecision, now: Date): Promise<void> {
  if (decision.coupon !== undefined) await tx.saveCoupon(decision.coupon);
  if (decision.use !== undefined) await (before === undefined ? tx.addUse(decision.use, now) : tx.saveUse(decision.use, now));
  await tx.record(decision.events);
}
