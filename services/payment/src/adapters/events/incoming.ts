import { orderEvents } from '#contracts/events.js';
import { eventHandlers, on, type EventHandlers } from '#kit/events/handlers.js';
import type { PaymentPolicies } from '../../app/payment-policies.js';
import type { KnexPaymentStore } from '../db/knex-payment-store.js';

/** The events the payment context reacts to, and which policy each one drives; its subscriptions follow from it. */
export function paymentEventHandlers(store: KnexPaymentStore, policies: PaymentPolicies): EventHandlers {
  return eventHandlers('payment', [
    on(orderEvents.OrderPlaced, (event, trx) => {
      const { orderId, customerId, amount, currency } = event.payload;
      return policies.whenOrderPlaced(store.within(trx, event), { orderId, customerId, amount, currency });
    }),
    on(orderEvents.OrderCancelled, (event, trx) => policies.whenOrderCancelled(store.within(trx, event), event.payload.orderId)),
  ]);
}
