import { OrderState } from '#contracts/order/v1/order.js';
import { catalogEvents, orderEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { DeliveryPolicies } from '../../app/delivery-policies.js';
import type { KnexDeliveryStore } from '../db/knex-delivery-store.js';

/** The events delivery reacts to, and which policy each one drives. */
export const deliverySubscriptions: EventType<unknown>[] = [
  orderEvents.OrderPlaced,
  catalogEvents.BookPrepared,
  orderEvents.OrderStateChanged,
  orderEvents.OrderCancelled,
] as EventType<unknown>[];

export function deliveryEventHandler(store: KnexDeliveryStore, policies: DeliveryPolicies) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx, event);
    if (isEvent(event, orderEvents.OrderPlaced)) {
      const { orderId, customerId, bookId, quantity, deliveryAddress } = event.payload;
      await policies.whenOrderPlaced(tx, { orderId, customerId, bookId, quantity, deliveryAddress });
    } else if (isEvent(event, catalogEvents.BookPrepared)) {
      await policies.whenBookPrepared(tx, event.payload.orderId);
    } else if (isEvent(event, orderEvents.OrderStateChanged)) {
      // The order's move to DELIVERY_STARTED confirms the start; its later moves follow the courier's.
      if (event.payload.state === OrderState.DELIVERY_STARTED) await policies.whenOrderConfirmedStart(tx, event.payload.orderId);
    } else if (isEvent(event, orderEvents.OrderCancelled)) {
      await policies.whenOrderCancelled(tx, event.payload.orderId);
    }
  };
}
