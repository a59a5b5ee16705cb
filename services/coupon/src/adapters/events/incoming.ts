import { orderEvents } from '#contracts/events.js';
import { eventHandlers, on, type EventHandlers } from '#kit/events/handlers.js';
import type { CouponPolicies } from '../../app/coupon-policies.js';
import type { KnexCouponStore } from '../db/knex-coupon-store.js';

/**
 * The events the coupon context reacts to, and which policy each one drives; its subscriptions
 * follow from it. Orders without a coupon (no couponId) are none of the coupon's business.
 */
export function couponEventHandlers(store: KnexCouponStore, policies: CouponPolicies): EventHandlers {
  return eventHandlers('coupon', [
    on(orderEvents.OrderPlaced, async (event, trx) => {
      const { orderId, customerId, couponId } = event.payload;
      if (couponId !== undefined) await policies.whenOrderPlaced(store.within(trx, event), { orderId, customerId, couponId });
    }),
    on(orderEvents.OrderCancelled, async (event, trx) => {
      const { orderId, couponId } = event.payload;
      if (couponId !== undefined) await policies.whenOrderCancelled(store.within(trx, event), { orderId, couponId });
    }),
  ]);
}
