import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { deliveryEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { DeliveryEvent } from '../../domain/events.js';

/** The wire form of delivery's events; the orderId is the correlation id. */
export function toNewEvent(event: DeliveryEvent): NewEvent {
  const correlationId = String(event.orderId);
  const ids = { deliveryId: event.deliveryId, orderId: event.orderId };
  switch (event.kind) {
    case 'DeliveryStarted':
      return { type: deliveryEvents.DeliveryStarted, payload: { ...ids, state: DeliveryState[event.state] }, correlationId };
    case 'DeliveryStatusChanged':
      return { type: deliveryEvents.DeliveryStatusChanged, payload: { ...ids, state: DeliveryState[event.state] }, correlationId };
    case 'DeliveryCancelled':
      return {
        type: deliveryEvents.DeliveryCancelled,
        payload: { ...ids, state: DeliveryState[event.state], previousState: DeliveryState[event.previousState] },
        correlationId,
      };
  }
}
