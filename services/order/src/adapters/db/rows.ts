import { asDate, asNumber, asOptionalDate } from '#kit/db/columns.js';
import type { CancelReason, Order, OrderState } from '../../domain/order.js';
import type { PaymentState } from '../../domain/payment.js';

export interface OrderRow {
  id: number;
  customer_id: number;
  book_id: number;
  quantity: number;
  delivery_address: string;
  coupon_id: number | null;
  state: string;
  cancel_reason: string | null;
  request_id: string | null;
  coupon_used_at: unknown;
  delivery_started_at: unknown;
  unit_price: number;
  discount: number;
  amount: number;
  currency: string;
  payment_state: string;
  created_at: unknown;
  updated_at: unknown;
}

/** An order row's columns, named: a prepared statement's result stays the same when a column is added. */
export const orderColumns =
  'id, customer_id, book_id, quantity, delivery_address, coupon_id, state, cancel_reason, request_id, coupon_used_at, delivery_started_at, unit_price, discount, amount, currency, payment_state, created_at, updated_at';

const orderStates: readonly OrderState[] = ['ORDERED', 'DELIVERY_STARTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'];
const cancelReasons: readonly CancelReason[] = ['CUSTOMER_REQUEST', 'COUPON_ALREADY_USED', 'PAYMENT_DECLINED'];
const paymentStates: readonly PaymentState[] = ['PENDING', 'PAID', 'DECLINED', 'VOIDED', 'REFUNDED'];

export const toOrder = (row: OrderRow): Order => {
  const state = orderStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`order ${row.id} has unknown state "${row.state}"`);
  const cancelReason = row.cancel_reason === null ? undefined : cancelReasons.find((candidate) => candidate === row.cancel_reason);
  if (row.cancel_reason !== null && cancelReason === undefined) {
    throw new Error(`order ${row.id} has unknown cancel reason "${row.cancel_reason}"`);
  }
  const paymentState = paymentStates.find((candidate) => candidate === row.payment_state);
  if (paymentState === undefined) throw new Error(`order ${row.id} has unknown payment state "${row.payment_state}"`);
  return {
    id: asNumber(row.id),
    customerId: asNumber(row.customer_id),
    bookId: asNumber(row.book_id),
    quantity: asNumber(row.quantity),
    deliveryAddress: row.delivery_address,
    couponId: row.coupon_id === null ? undefined : asNumber(row.coupon_id),
    state,
    cancelReason,
    couponUsedAt: asOptionalDate(row.coupon_used_at),
    deliveryStartedAt: asOptionalDate(row.delivery_started_at),
    unitPrice: asNumber(row.unit_price),
    discount: asNumber(row.discount),
    amount: asNumber(row.amount),
    currency: row.currency,
    paymentState,
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
};
