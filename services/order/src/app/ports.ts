import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Coupon } from '../domain/coupon.js';
import type { OrderEvent } from '../domain/events.js';
import type { Order, PricedOrder } from '../domain/order.js';
import type { PaymentState } from '../domain/payment.js';

/** Finds the order a customer placed with a requestId. */
export interface PlacedByRequest {
  orderPlacedWith(customerId: number, requestId: string): Promise<Order | undefined>;
}

/** The order store as its use cases see it, inside one transaction. */
export interface OrderTransaction extends PlacedByRequest {
  /** The order, locked against concurrent changes (a cancel racing a delivery event) until the transaction ends. */
  orderForUpdate(id: number): Promise<Order | undefined>;
  /** The new order; undefined, writing nothing, when the customer already has an order with its requestId. */
  addOrder(order: PricedOrder, now: Date): Promise<Order | undefined>;
  saveOrder(order: Order): Promise<void>;
  /** Events leave with the transaction's commit (outbox). */
  record(events: readonly OrderEvent[]): Promise<void>;
}

export interface OrderFilter {
  customerId?: number | undefined;
}

export interface OrderStore extends PlacedByRequest {
  transaction<T>(work: (tx: OrderTransaction) => Promise<T>): Promise<T>;
  order(id: number): Promise<Order | undefined>;
  orders(filter: OrderFilter, page: PageRequest): Promise<Page<Order>>;
}

/** The catalog, asked for a book's current price; undefined when there is no such book. Fails (unavailable, too slow) rather than guessing. */
export interface BookLookup {
  bookPrice(bookId: number): Promise<number | undefined>;
}

/**
 * The payment context, asked to pay a placed order. Answers where the payment stands; PENDING when
 * payment cannot be reached in time (it then settles the payment from OrderPlaced). Never throws.
 */
export interface Payments {
  pay(order: Order): Promise<PaymentState>;
}

/** The coupon context, asked for one coupon; undefined when there is no such coupon. */
export interface CouponLookup {
  coupon(couponId: number): Promise<Coupon | undefined>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
