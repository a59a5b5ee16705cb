import { paymentEvents } from '#kit/contracts/events.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { PaymentState } from '../../domain/payment.js';

/** The payment context's events the order follows; each one names the state the payment reached. */
export const paymentSubscriptions = Object.values(paymentEvents) as EventType<unknown>[];

const stateOf: Record<keyof typeof paymentEvents, PaymentState> = {
  PaymentCompleted: 'PAID',
  PaymentDeclined: 'DECLINED',
  PaymentRefunded: 'REFUNDED',
  PaymentVoided: 'VOIDED',
};

/** The order and the payment state a payment event reports; undefined for any other event. */
export function paymentNews(event: ReceivedEvent): { orderId: number; state: PaymentState } | undefined {
  for (const [name, type] of Object.entries(paymentEvents) as [keyof typeof paymentEvents, EventType<{ orderId: number }>][]) {
    if (isEvent(event, type)) return { orderId: event.payload.orderId, state: stateOf[name] };
  }
  return undefined;
}
