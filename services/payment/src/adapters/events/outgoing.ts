import { paymentEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { PaymentEvent } from '../../domain/events.js';

/** The wire form of the payment's events; the orderId is the correlation id of every one. */
export function toNewEvent(event: PaymentEvent): NewEvent {
  const correlationId = String(event.orderId);
  const { orderId, paymentId, amount, currency } = event;
  const facts = { orderId, paymentId, amount, currency };
  switch (event.kind) {
    case 'PaymentCompleted':
      return { type: paymentEvents.PaymentCompleted, payload: { ...facts, paidTime: event.paidAt }, correlationId };
    case 'PaymentDeclined':
      return { type: paymentEvents.PaymentDeclined, payload: { ...facts, reason: event.reason }, correlationId };
    case 'PaymentRefunded':
      return { type: paymentEvents.PaymentRefunded, payload: { ...facts, refundedTime: event.refundedAt }, correlationId };
    case 'PaymentVoided':
      return { type: paymentEvents.PaymentVoided, payload: facts, correlationId };
  }
}
