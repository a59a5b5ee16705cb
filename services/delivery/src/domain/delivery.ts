import { invalid, precondition, type Refusal } from '#kit/domain/errors.js';
import type { DeliveryEvent } from './events.js';

/**
 * Where a parcel stands. It moves forward only: READY -> STARTED -> IN_TRANSIT -> DELIVERED, and
 * anything not yet DELIVERED may become CANCELLED (the order was cancelled; the parcel is recalled).
 */
export type DeliveryState = 'READY' | 'STARTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED';

/** The parcel for one order. */
export interface Delivery {
  id: number;
  /** One delivery per order. */
  orderId: number;
  customerId: number;
  bookId: number;
  quantity: number;
  deliveryAddress: string;
  state: DeliveryState;
  /**
   * When the order confirmed the start (it moved to DELIVERY_STARTED): from then on the order can no
   * longer be cancelled, so the courier may move the parcel. Undefined until then.
   */
  startConfirmedAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** What a placed order tells delivery; the delivery starts READY. */
export type NewDelivery = Pick<Delivery, 'orderId' | 'customerId' | 'bookId' | 'quantity' | 'deliveryAddress'>;

/** A delivery after a rule ran, and what it tells the shop; the very same delivery when nothing changed. */
export interface DeliveryChange {
  delivery: Delivery;
  events: DeliveryEvent[];
}

/** The states a courier (or the logistics partner's system) sets. */
export type CourierState = Extract<DeliveryState, 'IN_TRANSIT' | 'DELIVERED'>;

/**
 * The one state a courier may move a delivery to from each state. Strict on purpose (DOMAIN.md:
 * STARTED -> IN_TRANSIT -> DELIVERED): a STARTED parcel cannot jump to DELIVERED, so every parcel
 * the shop reports delivered was reported on its way first. Repeating the current state is refused
 * too (it is not a move forward), so a courier's retry learns the parcel already moved.
 */
const courierNext: Partial<Record<DeliveryState, CourierState>> = {
  STARTED: 'IN_TRANSIT',
  IN_TRANSIT: 'DELIVERED',
};

export const courierStateRule = 'must be IN_TRANSIT or DELIVERED (the states a courier sets)';

export function checkCourierState(state: DeliveryState): CourierState {
  if (state !== 'IN_TRANSIT' && state !== 'DELIVERED') throw invalid('state', courierStateRule);
  return state;
}

/** The order's book was prepared: a READY delivery is handed to the courier. */
export function startDelivery(delivery: Delivery, now: Date): DeliveryChange {
  // A cancelled order's delivery stays cancelled; a delivery already started is not started twice.
  if (delivery.state !== 'READY') return { delivery, events: [] };
  const started: Delivery = { ...delivery, state: 'STARTED', updatedAt: now };
  return { delivery: started, events: [{ kind: 'DeliveryStarted', deliveryId: started.id, orderId: started.orderId, state: 'STARTED' }] };
}

/** The order confirmed the start: remembered once, whatever the state (only a STARTED parcel asks). */
export function confirmStart(delivery: Delivery, now: Date): DeliveryChange {
  if (delivery.startConfirmedAt !== undefined) return { delivery, events: [] };
  return { delivery: { ...delivery, startConfirmedAt: now }, events: [] };
}

/**
 * A courier's update: one step forward, never back, never from READY or a final state, and not off
 * STARTED before the order confirmed the start (until then the order may still be cancelled).
 */
export function moveDelivery(delivery: Delivery, target: CourierState, now: Date): DeliveryChange {
  const next = courierNext[delivery.state];
  if (next === undefined) throw precondition(notMovable(delivery), cannotMove(delivery, target));
  if (next !== target) {
    throw precondition(notMovable(delivery), `delivery ${delivery.id} is ${delivery.state}: its next state is ${next}, not ${target} (states move forward one step: STARTED -> IN_TRANSIT -> DELIVERED)`);
  }
  if (delivery.state === 'STARTED' && delivery.startConfirmedAt === undefined) {
    const facts = { deliveryId: String(delivery.id), orderId: String(delivery.orderId) };
    throw precondition({ reason: 'DELIVERY_START_NOT_CONFIRMED', facts }, `delivery ${delivery.id} is STARTED, but order ${delivery.orderId} has not confirmed the delivery start yet; try again shortly`);
  }
  const moved: Delivery = { ...delivery, state: target, updatedAt: now };
  return { delivery: moved, events: [{ kind: 'DeliveryStatusChanged', deliveryId: moved.id, orderId: moved.orderId, state: target }] };
}

function notMovable(delivery: Delivery): Refusal {
  return { reason: 'DELIVERY_NOT_MOVABLE', facts: { deliveryId: String(delivery.id), state: delivery.state } };
}

function cannotMove(delivery: Delivery, target: CourierState): string {
  const prefix = `delivery ${delivery.id} is ${delivery.state}`;
  switch (delivery.state) {
    case 'READY':
      return `${prefix}: its book is not prepared yet, so it cannot be ${target}`;
    case 'CANCELLED':
      return `${prefix}: its order was cancelled, so it cannot be ${target}`;
    default:
      return `${prefix}: it was delivered and cannot move any more`;
  }
}

/** The order was cancelled: anything not DELIVERED becomes CANCELLED, and a parcel on its way is recalled. */
export function cancelDelivery(delivery: Delivery, now: Date): DeliveryChange {
  if (delivery.state === 'DELIVERED' || delivery.state === 'CANCELLED') return { delivery, events: [] };
  const cancelled: Delivery = { ...delivery, state: 'CANCELLED', updatedAt: now };
  return {
    delivery: cancelled,
    events: [
      { kind: 'DeliveryCancelled', deliveryId: cancelled.id, orderId: cancelled.orderId, state: 'CANCELLED', previousState: delivery.state },
    ],
  };
}
