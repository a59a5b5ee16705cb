import { paymentEvents } from '#contracts/events.js';
import { on, type EventHandling } from '#kit/events/handlers.js';
import type { OrderPolicies } from '../../app/order-policies.js';
import type { KnexOrderStore } from '../db/knex-order-store.js';

/** The payment context's events the order follows: each one names the state the payment reached. */
export function paymentEventRows(store: KnexOrderStore, policies: OrderPolicies): EventHandling[] {
  return [
    on(paymentEvents.PaymentCompleted, (event, trx) => policies.whenPaymentSettled(store.within(trx, event), event.payload.orderId, 'PAID')),
    on(paymentEvents.PaymentDeclined, (event, trx) => policies.whenPaymentSettled(store.within(trx, event), event.payload.orderId, 'DECLINED')),
    on(paymentEvents.PaymentRefunded, (event, trx) => policies.whenPaymentSettled(store.within(trx, event), event.payload.orderId, 'REFUNDED')),
    on(paymentEvents.PaymentVoided, (event, trx) => policies.whenPaymentSettled(store.within(trx, event), event.payload.orderId, 'VOIDED')),
  ];
}
