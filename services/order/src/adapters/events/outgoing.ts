import { CancelReason as EventCancelReason } from '#contracts/events/v1/order.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { orderEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { OrderEvent } from '../../domain/events.js';

/** The wire form of the order's events; the orderId is the correlation id of every one. */
export function toNewEvent(event: OrderEvent): NewEvent {
  const correlationId = String(event.orderId);
  switch (event.kind) {
    case 'OrderPlaced': {
      const { orderId, customerId, bookId, quantity, deliveryAddress, couponId, amount, currency } = event;
      const payload = { orderId, customerId, bookId, quantity, deliveryAddress, couponId, amount, currency };
      return { type: orderEvents.OrderPlaced, payload, correlationId };
    }
    case 'OrderCancelled':
      return {
        type: orderEvents.OrderCancelled,
        payload: { orderId: event.orderId, couponId: event.couponId, reason: EventCancelReason[event.reason] },
        correlationId,
      };
    case 'OrderStateChanged':
      return { type: orderEvents.OrderStateChanged, payload: { orderId: event.orderId, state: OrderState[event.state] }, correlationId };
  }
}
