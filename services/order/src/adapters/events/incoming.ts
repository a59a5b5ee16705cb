import { couponEvents, deliveryEvents } from '#contracts/events.js';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { eventHandlers, on, type EventHandlers } from '#kit/events/handlers.js';
import type { OrderPolicies } from '../../app/order-policies.js';
import type { CourierProgress } from '../../domain/order.js';
import type { KnexOrderStore } from '../db/knex-order-store.js';
import { paymentEventRows } from './payment-events.js';

/** The events the order context reacts to, and which policy each one drives; its subscriptions follow from it. */
export function orderEventHandlers(store: KnexOrderStore, policies: OrderPolicies): EventHandlers {
  return eventHandlers('order', [
    on(deliveryEvents.DeliveryStarted, (event, trx) => policies.whenDeliveryStarted(store.within(trx, event), event.payload.orderId)),
    on(deliveryEvents.DeliveryStatusChanged, (event, trx) => {
      const { orderId, state } = event.payload;
      return policies.whenDeliveryProgressed(store.within(trx, event), orderId, progressOf(state, orderId));
    }),
    on(couponEvents.CouponUsed, (event, trx) => policies.whenCouponUsed(store.within(trx, event), event.payload.orderId, event.payload.couponId)),
    on(couponEvents.CouponUseRejected, (event, trx) => policies.whenCouponUseRejected(store.within(trx, event), event.payload.orderId, event.payload.couponId)),
    ...paymentEventRows(store, policies),
  ]);
}

const progressByDeliveryState: Partial<Record<DeliveryState, CourierProgress>> = {
  [DeliveryState.IN_TRANSIT]: 'IN_TRANSIT',
  [DeliveryState.DELIVERED]: 'DELIVERED',
};

/**
 * A status change is a courier's move, IN_TRANSIT or DELIVERED; any other state (the start has its
 * own event) breaks the contract: it ends in dead letters.
 */
function progressOf(state: DeliveryState, orderId: number): CourierProgress {
  const progress = progressByDeliveryState[state];
  if (progress === undefined) throw new Error(`DeliveryStatusChanged of order ${orderId} carries state ${DeliveryState[state]}, which is no courier's move`);
  return progress;
}
