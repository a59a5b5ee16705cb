import { orderEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { CouponPolicies } from '../../app/coupon-policies.js';
import type { KnexCouponStore } from '../db/knex-coupon-store.js';

/** The events the coupon context reacts to, and which policy each one drives. */
export const couponSubscriptions: EventType<unknown>[] = [orderEvents.OrderPlaced, orderEvents.OrderCancelled] as EventType<unknown>[];

/** Orders without a coupon (no couponId) are none of the coupon's business. */
export function couponEventHandler(store: KnexCouponStore, policies: CouponPolicies) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx, event);
    if (isEvent(event, orderEvents.OrderPlaced)) {
      const { orderId, customerId, couponId } = event.payload;
      if (couponId !== undefined) await policies.whenOrderPlaced(tx, { orderId, customerId, couponId });
    } else if (isEvent(event, orderEvents.OrderCancelled)) {
      const { orderId, couponId } = event.payload;
      if (couponId !== undefined) await policies.whenOrderCancelled(tx, { orderId, couponId });
    }
  };
}
