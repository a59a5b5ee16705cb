import { couponEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { CouponEvent } from '../../domain/events.js';

/** The wire form of the coupon's events; the orderId is the correlation id where there is one. */
export function toNewEvent(event: CouponEvent): NewEvent {
  const { kind, ...payload } = event;
  const correlationId = event.kind === 'CouponIssued' ? `coupon-${event.couponId}` : String(event.orderId);
  return { type: couponEvents[kind], payload, correlationId };
}
