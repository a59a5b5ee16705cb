import { customerEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { CustomerEvent } from '../../domain/events.js';

/** The wire form of the customer context's events; there is no order, so the customer is the correlation id. */
export function toNewEvent(event: CustomerEvent): NewEvent {
  const { kind, ...payload } = event;
  return { type: customerEvents[kind], payload, correlationId: `customer-${event.customerId}` };
}
