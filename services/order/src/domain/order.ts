import { invalid, precondition } from '#kit/domain/errors.js';
import { checkPrintable } from '#kit/domain/text.js';
import type { OrderEvent } from './events.js';
import type { PaymentState } from './payment.js';

/** Where an order stands. Forward only: ORDERED -> DELIVERY_STARTED -> IN_TRANSIT -> DELIVERED; CANCELLED is final. */
export type OrderState = 'ORDERED' | 'DELIVERY_STARTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED';

/** The states the delivery moves an order to. */
export type DeliveryProgress = 'DELIVERY_STARTED' | 'IN_TRANSIT' | 'DELIVERED';

/** The moves a courier reports, once the order confirmed the delivery start (delivery-start.ts). */
export type CourierProgress = Exclude<DeliveryProgress, 'DELIVERY_STARTED'>;

export type CancelReason = 'CUSTOMER_REQUEST' | 'COUPON_ALREADY_USED' | 'PAYMENT_DECLINED';

/** A customer's order of one book. */
export interface Order {
  id: number;
  /** Opaque number supplied by the caller; a registered customer is not required. */
  customerId: number;
  bookId: number;
  quantity: number;
  deliveryAddress: string;
  couponId: number | undefined;
  state: OrderState;
  /** Set once the order is CANCELLED. */
  cancelReason: CancelReason | undefined;
  /** When the coupon context settled the coupon as this order's (CouponUsed); undefined until then, and without a coupon. */
  couponUsedAt: Date | undefined;
  /** When delivery reported the parcel STARTED (DeliveryStarted) while the order was ORDERED. */
  deliveryStartedAt: Date | undefined;
  /** The book's price when the order was placed, in minor units of currency. */
  unitPrice: number;
  /** The coupon's discount, capped at the line total; 0 without a coupon. */
  discount: number;
  /** unitPrice * quantity - discount: what the customer pays. */
  amount: number;
  /** ISO 4217 code of the shop's currency. */
  currency: string;
  /** As the payment context reported it (Pay's answer, then its events); the delivery starts only once PAID. */
  paymentState: PaymentState;
  createdAt: Date;
  updatedAt: Date;
}

export type NewOrder = Pick<Order, 'customerId' | 'bookId' | 'quantity' | 'deliveryAddress' | 'couponId'> & {
  /** The client's key that makes a retry safe: one order per customer and key. */
  requestId: string | undefined;
};

/** A valid order with its price worked out (pricing.ts): what the store writes. */
export type PricedOrder = NewOrder & Pick<Order, 'unitPrice' | 'discount' | 'amount' | 'currency'>;

/** What an order rule decided: the order after it (the very same order when nothing changed), and what the shop is told. */
export interface Decision {
  order: Order;
  events: OrderEvent[];
}

export const DELIVERY_ADDRESS_MAX = 500;
export const REQUEST_ID_MAX = 100;

const isId = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

export function checkNewOrder(input: NewOrder): NewOrder {
  if (!isId(input.customerId)) throw invalid('customerId', 'must be a customer id (> 0)');
  if (!isId(input.bookId)) throw invalid('bookId', 'must be a book id (> 0)');
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1) throw invalid('quantity', 'must be a whole number >= 1');
  const deliveryAddress = checkPrintable('deliveryAddress', input.deliveryAddress).trim();
  if (deliveryAddress.length === 0) throw invalid('deliveryAddress', 'must not be empty');
  if (deliveryAddress.length > DELIVERY_ADDRESS_MAX) {
    throw invalid('deliveryAddress', `must be at most ${DELIVERY_ADDRESS_MAX} characters`);
  }
  if (input.couponId !== undefined && !isId(input.couponId)) throw invalid('couponId', 'must be a coupon id (> 0) when given');
  checkRequestId(input.requestId);
  return { ...input, deliveryAddress };
}

function checkRequestId(requestId: string | undefined): void {
  if (requestId === undefined) return;
  if (requestId.length === 0 || requestId.length > REQUEST_ID_MAX) {
    throw invalid('requestId', `must be 1..${REQUEST_ID_MAX} characters when given`);
  }
  checkPrintable('requestId', requestId);
}

/**
 * A retry: the customer placed `earlier` with this requestId before. It is the answer, unchanged, when
 * the retry asks for the same order; a key reused for a different order is refused.
 */
export function answerRetry(earlier: Order, retry: NewOrder, requestId: string): Order {
  const same =
    earlier.bookId === retry.bookId &&
    earlier.quantity === retry.quantity &&
    earlier.deliveryAddress === retry.deliveryAddress &&
    earlier.couponId === retry.couponId;
  if (!same) throw precondition({ reason: 'REQUEST_ID_REUSED', facts: { requestId, orderId: String(earlier.id) } }, `requestId ${requestId} was already used for order ${earlier.id} with different details`);
  return earlier;
}

export function orderPlaced(order: Order): OrderEvent {
  const { id: orderId, customerId, bookId, quantity, deliveryAddress, couponId, amount, currency } = order;
  return { kind: 'OrderPlaced', orderId, customerId, bookId, quantity, deliveryAddress, couponId, amount, currency };
}

/** The customer changed their mind: allowed only before the delivery started. */
export function cancelByCustomer(order: Order, now: Date): Decision {
  if (order.state === 'CANCELLED') throw precondition({ reason: 'ORDER_ALREADY_CANCELLED', facts: { orderId: String(order.id) } }, `order ${order.id} is already cancelled`);
  if (order.state !== 'ORDERED') {
    throw precondition({ reason: 'ORDER_NOT_CANCELLABLE', facts: { orderId: String(order.id), state: order.state } }, `order ${order.id} is ${order.state}; only an ORDERED order can be cancelled`);
  }
  return cancel(order, 'CUSTOMER_REQUEST', now);
}

const forwardRank: Record<Exclude<OrderState, 'CANCELLED'>, number> = {
  ORDERED: 0,
  DELIVERY_STARTED: 1,
  IN_TRANSIT: 2,
  DELIVERED: 3,
};

/**
 * The courier moved the parcel on. States only move forward: news older than the order's state (it
 * arrived late) changes nothing, and a later state may skip one whose event has not arrived yet,
 * since it implies it. A cancelled order stays cancelled.
 */
export function advanceDelivery(order: Order, progress: CourierProgress, now: Date): Decision {
  if (order.state === 'CANCELLED' || forwardRank[progress] <= forwardRank[order.state]) return { order, events: [] };
  return {
    order: { ...order, state: progress, updatedAt: now },
    events: [{ kind: 'OrderStateChanged', orderId: order.id, state: progress }],
  };
}

/**
 * Compensation: another order used the coupon first, so this one is cancelled, in any state but
 * DELIVERED (the book is with the customer) and unless it is cancelled already. An order with a
 * coupon confirms its delivery start only once the coupon is settled (delivery-start.ts), and the
 * coupon context settles an order's coupon once, so the rejection meets an ORDERED order whose
 * parcel has not moved.
 */
export function rejectCouponUse(order: Order, couponId: number, now: Date): Decision {
  if (order.couponId !== couponId || order.state === 'CANCELLED' || order.state === 'DELIVERED') return { order, events: [] };
  return cancel(order, 'COUPON_ALREADY_USED', now);
}

export function cancel(order: Order, reason: CancelReason, now: Date): Decision {
  return {
    order: { ...order, state: 'CANCELLED', cancelReason: reason, updatedAt: now },
    events: [{ kind: 'OrderCancelled', orderId: order.id, couponId: order.couponId, reason }],
  };
}
