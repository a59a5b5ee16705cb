import { asDate, asNumber, asOptionalDate } from '#kit/db/columns.js';
import type { BookName } from '../../domain/book-name.js';
import type { MyCouponAction, MyCouponEntry } from '../../domain/my-coupon.js';
import type { MyPageRow } from '../../domain/my-page-row.js';
import { deliveryStates, orderStates, paymentStates, type CancelReason } from '../../domain/states.js';

export interface MyPageRecord {
  order_id: unknown;
  customer_id: unknown;
  book_id: unknown;
  quantity: unknown;
  coupon_id: unknown;
  book_name: string | null;
  order_state: string | null;
  delivery_state: string | null;
  cancel_reason: string | null;
  amount: unknown;
  currency: string | null;
  payment_state: string | null;
  paid_at: unknown;
  refunded_at: unknown;
  updated_at: unknown;
}

export interface BookNameRecord {
  book_id: unknown;
  book_name: string;
  revision: unknown;
  named_at: unknown;
}

export interface MyCouponRecord {
  event_id: string;
  stream_sequence: unknown;
  customer_id: unknown;
  coupon_id: unknown;
  action: string;
  order_id: unknown;
  discount: unknown;
  event_time: unknown;
}

const cancelReasons: readonly CancelReason[] = ['CUSTOMER_REQUEST', 'COUPON_ALREADY_USED', 'PAYMENT_DECLINED'];
const couponActions: readonly MyCouponAction[] = ['ISSUED', 'USED', 'REFUNDED', 'USE_REJECTED'];

export const toMyPageRow = (record: MyPageRecord): MyPageRow => ({
  orderId: asNumber(record.order_id),
  customerId: optionalNumber(record.customer_id),
  bookId: optionalNumber(record.book_id),
  quantity: optionalNumber(record.quantity),
  couponId: optionalNumber(record.coupon_id),
  bookName: record.book_name ?? undefined,
  orderState: oneOf(orderStates, record.order_state, 'order state'),
  deliveryState: oneOf(deliveryStates, record.delivery_state, 'delivery state'),
  cancelReason: oneOf(cancelReasons, record.cancel_reason, 'cancel reason'),
  amount: optionalNumber(record.amount),
  currency: record.currency ?? undefined,
  paymentState: oneOf(paymentStates, record.payment_state, 'payment state'),
  paidAt: asOptionalDate(record.paid_at),
  refundedAt: asOptionalDate(record.refunded_at),
  updatedAt: asDate(record.updated_at),
});

export const myPageRecord = (row: MyPageRow): Omit<MyPageRecord, 'updated_at'> & { updated_at: Date } => ({
  order_id: row.orderId,
  customer_id: row.customerId ?? null,
  book_id: row.bookId ?? null,
  quantity: row.quantity ?? null,
  coupon_id: row.couponId ?? null,
  book_name: row.bookName ?? null,
  order_state: row.orderState ?? null,
  delivery_state: row.deliveryState ?? null,
  cancel_reason: row.cancelReason ?? null,
  amount: row.amount ?? null,
  currency: row.currency ?? null,
  payment_state: row.paymentState ?? null,
  paid_at: row.paidAt ?? null,
  refunded_at: row.refundedAt ?? null,
  updated_at: row.updatedAt,
});

export const toBookName = (record: BookNameRecord): BookName => ({
  bookId: asNumber(record.book_id),
  bookName: record.book_name,
  revision: asNumber(record.revision),
  namedAt: asDate(record.named_at),
});

export const toMyCouponEntry = (record: MyCouponRecord): MyCouponEntry => {
  const action = oneOf(couponActions, record.action, 'coupon action');
  if (action === undefined) throw new Error(`coupon entry ${record.event_id} has no action`);
  return {
    eventId: record.event_id,
    streamSequence: asNumber(record.stream_sequence),
    couponId: asNumber(record.coupon_id),
    customerId: asNumber(record.customer_id),
    action,
    orderId: optionalNumber(record.order_id),
    discount: asNumber(record.discount),
    eventTime: asDate(record.event_time),
  };
};

export const myCouponRecord = (entry: MyCouponEntry): Omit<MyCouponRecord, 'event_time'> & { event_time: Date } => ({
  event_id: entry.eventId,
  stream_sequence: entry.streamSequence,
  customer_id: entry.customerId,
  coupon_id: entry.couponId,
  action: entry.action,
  order_id: entry.orderId ?? null,
  discount: entry.discount,
  event_time: entry.eventTime,
});

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : asNumber(value);
}

function oneOf<T extends string>(allowed: readonly T[], value: string | null, what: string): T | undefined {
  if (value === null) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`unknown ${what} "${value}"`);
  return found;
}
