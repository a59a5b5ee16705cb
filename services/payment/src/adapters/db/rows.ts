import { asDate, asNumber, asOptionalDate } from '#kit/db/columns.js';
import type { Payment, PaymentState } from '../../domain/payment.js';

export interface PaymentRow {
  id: number;
  order_id: number;
  customer_id: number;
  amount: number;
  currency: string;
  state: string;
  provider_reference: string | null;
  attempts: number;
  decline_reason: string | null;
  refund_due: boolean | number;
  next_attempt_at: unknown;
  paid_at: unknown;
  refunded_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  /** The trace the payment began in (stored-trace.ts); not part of the payment itself. */
  trace_context?: string | null;
}

const paymentStates: readonly PaymentState[] = ['PENDING', 'PAID', 'DECLINED', 'VOIDED', 'REFUNDED'];

export const toPayment = (row: PaymentRow): Payment => {
  const state = paymentStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`payment ${row.id} has unknown state "${row.state}"`);
  return {
    id: asNumber(row.id),
    orderId: asNumber(row.order_id),
    customerId: asNumber(row.customer_id),
    amount: asNumber(row.amount),
    currency: row.currency,
    state,
    providerReference: row.provider_reference ?? undefined,
    attempts: asNumber(row.attempts),
    declineReason: row.decline_reason ?? undefined,
    // SQLite keeps booleans as 0/1.
    refundDue: row.refund_due === true || row.refund_due === 1,
    nextAttemptAt: asOptionalDate(row.next_attempt_at),
    paidAt: asOptionalDate(row.paid_at),
    refundedAt: asOptionalDate(row.refunded_at),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
};

/** The columns a saved payment changes, each with how its value is read off the payment. */
const changedColumns: readonly [string, (payment: Payment) => unknown][] = [
  ['state', (payment) => payment.state],
  ['provider_reference', (payment) => payment.providerReference ?? null],
  ['attempts', (payment) => payment.attempts],
  ['decline_reason', (payment) => payment.declineReason ?? null],
  ['refund_due', (payment) => payment.refundDue],
  ['next_attempt_at', (payment) => payment.nextAttemptAt ?? null],
  ['paid_at', (payment) => payment.paidAt ?? null],
  ['refunded_at', (payment) => payment.refundedAt ?? null],
  ['updated_at', (payment) => payment.updatedAt],
];

/** The update that saves a payment: the changed columns' values, then the payment's id. */
export const savePaymentSql = `update payments set ${changedColumns.map(([column]) => `${column} = ?`).join(', ')} where id = ?`;

export const savePaymentValues = (payment: Payment): unknown[] => [...changedColumns.map(([, value]) => value(payment)), payment.id];

/** A new payment, PENDING with no attempt yet; nothing when the order has one (one payment per order). */
export const addPaymentSql = `insert into payments (order_id, customer_id, amount, currency, state, provider_reference, attempts, decline_reason, refund_due, next_attempt_at, paid_at, refunded_at, created_at, updated_at, trace_context)
  values (?, ?, ?, ?, 'PENDING', null, 0, null, ?, ?, null, null, ?, ?, ?) on conflict (order_id) do nothing returning *`;
