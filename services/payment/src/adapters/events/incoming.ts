import { orderEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { PaymentPolicies } from '../../app/payment-policies.js';
import type { KnexPaymentStore } from '../db/knex-payment-store.js';

/** The events the payment context reacts to, and which policy each one drives. */
export const paymentSubscriptions: EventType<unknown>[] = [orderEvents.OrderPlaced, orderEvents.OrderCancelled] as EventType<unknown>[];

export function paymentEventHandler(store: KnexPaymentStore, policies: PaymentPolicies) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx, event);
    if (isEvent(event, orderEvents.OrderPlaced)) {
      const { orderId, customerId, amount, currency } = event.payload;
      await policies.whenOrderPlaced(tx, { orderId, customerId, amount, currency });
    } else if (isEvent(event, orderEvents.OrderCancelled)) {
      await policies.whenOrderCancelled(tx, event.payload.orderId);
    }
  };
}
