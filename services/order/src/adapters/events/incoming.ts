import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { couponEvents, deliveryEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { OrderPolicies } from '../../app/order-policies.js';
import type { CourierProgress } from '../../domain/order.js';
import type { KnexOrderStore } from '../db/knex-order-store.js';
import { paymentNews, paymentSubscriptions } from './payment-events.js';

/** The events the order context reacts to, and which policy each one drives. */
export const orderSubscriptions: EventType<unknown>[] = [
  deliveryEvents.DeliveryStarted,
  deliveryEvents.DeliveryStatusChanged,
  couponEvents.CouponUsed,
  couponEvents.CouponUseRejected,
  ...paymentSubscriptions,
] as EventType<unknown>[];

export function orderEventHandler(store: KnexOrderStore, policies: OrderPolicies) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx, event);
    if (isEvent(event, deliveryEvents.DeliveryStarted)) {
      await policies.whenDeliveryStarted(tx, event.payload.orderId);
    } else if (isEvent(event, deliveryEvents.DeliveryStatusChanged)) {
      const { orderId, state } = event.payload;
      await policies.whenDeliveryProgressed(tx, orderId, progressOf(state, orderId));
    } else if (isEvent(event, couponEvents.CouponUsed)) {
      await policies.whenCouponUsed(tx, event.payload.orderId, event.payload.couponId);
    } else if (isEvent(event, couponEvents.CouponUseRejected)) {
      await policies.whenCouponUseRejected(tx, event.payload.orderId, event.payload.couponId);
    } else {
      const payment = paymentNews(event);
      if (payment !== undefined) await policies.whenPaymentSettled(tx, payment.orderId, payment.state);
    }
  };
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
