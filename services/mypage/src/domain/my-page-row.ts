import type { BookName } from './book-name.js';
import type { OrderNews } from './events.js';
import { deliveryStates, forward, forwardPayment, orderStates, type CancelReason, type DeliveryState, type OrderState, type PaymentState } from './states.js';

/**
 * One order as its customer sees it. The row exists from the first event about the order; the
 * fields OrderPlaced brings (customer, book, quantity, coupon) are undefined until it arrives, and
 * such a row is not shown: events of one order may arrive in any order, and none waits for another.
 */
export interface MyPageRow {
  orderId: number;
  customerId: number | undefined;
  bookId: number | undefined;
  quantity: number | undefined;
  /** undefined when the order uses no coupon (or OrderPlaced has not arrived). */
  couponId: number | undefined;
  /** From the catalog's events; undefined until the book's name arrives. */
  bookName: string | undefined;
  orderState: OrderState | undefined;
  deliveryState: DeliveryState | undefined;
  /** Set with orderState CANCELLED. */
  cancelReason: CancelReason | undefined;
  /** What the customer pays (minor units of currency), from OrderPlaced. */
  amount: number | undefined;
  currency: string | undefined;
  paymentState: PaymentState | undefined;
  paidAt: Date | undefined;
  refundedAt: Date | undefined;
  /** When the last event that changed the row happened. */
  updatedAt: Date;
}

/**
 * The row after `news`, or undefined when the news changes nothing (a late or repeated event).
 * States only move forward (states.ts), so the result does not depend on the order events arrive in.
 */
export function applyOrderNews(row: MyPageRow | undefined, news: OrderNews): MyPageRow | undefined {
  const current = row ?? emptyRow(news.orderId, news.occurredAt);
  const next = merge(current, news);
  if (row !== undefined && sameView(row, next)) return undefined;
  return { ...next, updatedAt: later(row?.updatedAt, news.occurredAt) };
}

/** The row showing `book`'s name, or undefined when it already does or is of another book. */
export function withBookName(row: MyPageRow, book: BookName): MyPageRow | undefined {
  if (row.bookId !== book.bookId || row.bookName === book.bookName) return undefined;
  return { ...row, bookName: book.bookName, updatedAt: later(row.updatedAt, book.namedAt) };
}

function merge(row: MyPageRow, news: OrderNews): MyPageRow {
  switch (news.kind) {
    case 'OrderPlaced':
      return {
        ...row,
        customerId: news.customerId,
        bookId: news.bookId,
        quantity: news.quantity,
        couponId: news.couponId,
        amount: news.amount,
        currency: news.currency,
        paymentState: forwardPayment(row.paymentState, 'PENDING'),
        orderState: forward(orderStates, row.orderState, 'ORDERED'),
        // The delivery context creates every delivery READY and announces no event for it.
        deliveryState: forward(deliveryStates, row.deliveryState, 'READY'),
      };
    case 'OrderStateChanged':
      return withOrderState(row, news.state, undefined);
    case 'OrderCancelled':
      return { ...withOrderState(row, 'CANCELLED', news.reason), couponId: row.couponId ?? news.couponId };
    case 'DeliveryStateChanged':
      return { ...row, deliveryState: forward(deliveryStates, row.deliveryState, news.state) };
    case 'PaymentChanged':
      return {
        ...row,
        paymentState: forwardPayment(row.paymentState, news.state),
        paidAt: row.paidAt ?? news.paidAt,
        refundedAt: row.refundedAt ?? news.refundedAt,
      };
  }
}

function withOrderState(row: MyPageRow, state: OrderState, reason: CancelReason | undefined): MyPageRow {
  const orderState = forward(orderStates, row.orderState, state);
  const cancelReason = orderState === 'CANCELLED' ? (row.cancelReason ?? reason) : undefined;
  return { ...row, orderState, cancelReason };
}

function emptyRow(orderId: number, at: Date): MyPageRow {
  return {
    orderId,
    customerId: undefined,
    bookId: undefined,
    quantity: undefined,
    couponId: undefined,
    bookName: undefined,
    orderState: undefined,
    deliveryState: undefined,
    cancelReason: undefined,
    amount: undefined,
    currency: undefined,
    paymentState: undefined,
    paidAt: undefined,
    refundedAt: undefined,
    updatedAt: at,
  };
}

function sameView(a: MyPageRow, b: MyPageRow): boolean {
  return (
    a.customerId === b.customerId &&
    a.bookId === b.bookId &&
    a.quantity === b.quantity &&
    a.couponId === b.couponId &&
    a.bookName === b.bookName &&
    a.orderState === b.orderState &&
    a.deliveryState === b.deliveryState &&
    a.cancelReason === b.cancelReason &&
    a.amount === b.amount &&
    a.currency === b.currency &&
    a.paymentState === b.paymentState &&
    a.paidAt?.getTime() === b.paidAt?.getTime() &&
    a.refundedAt?.getTime() === b.refundedAt?.getTime()
  );
}

function later(current: Date | undefined, candidate: Date): Date {
  return current !== undefined && current.getTime() >= candidate.getTime() ? current : candidate;
}
