import { catalogEvents, orderEvents } from '#contracts/events.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { eventHandlers, on, type EventHandlers } from '#kit/events/handlers.js';
import type { DeliveryPolicies } from '../../app/delivery-policies.js';
import type { KnexDeliveryStore } from '../db/knex-delivery-store.js';

/** The events delivery reacts to, and which policy each one drives; its subscriptions follow from it. */
export function deliveryEventHandlers(store: KnexDeliveryStore, policies: DeliveryPolicies): EventHandlers {
  return eventHandlers('delivery', [
    on(orderEvents.OrderPlaced, (event, trx) => {
      const { orderId, customerId, bookId, quantity, deliveryAddress } = event.payload;
      return policies.whenOrderPlaced(store.within(trx, event), { orderId, customerId, bookId, quantity, deliveryAddress });
    }),
    on(catalogEvents.BookPrepared, (event, trx) => policies.whenBookPrepared(store.within(trx, event), event.payload.orderId)),
    on(orderEvents.OrderStateChanged, async (event, trx) => {
      // The order's move to DELIVERY_STARTED confirms the start; its later moves follow the courier's.
      if (event.payload.state === OrderState.DELIVERY_STARTED) await policies.whenOrderConfirmedStart(store.within(trx, event), event.payload.orderId);
    }),
    on(orderEvents.OrderCancelled, (event, trx) => policies.whenOrderCancelled(store.within(trx, event), event.payload.orderId)),
  ]);
}
