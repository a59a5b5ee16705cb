import { invalid } from '#kit/domain/errors.js';
import type { PaymentEvent } from './events.js';
import { checkAmount, checkCurrency } from '#kit/domain/money.js';

/** PENDING -> PAID | DECLINED | VOIDED, PAID -> REFUNDED. */
export type PaymentState = 'PENDING' | 'PAID' | 'DECLINED' | 'VOIDED' | 'REFUNDED';

/** The payment of one order (one per order). */
export interface Payment {
  id: number;
  orderId: number;
  customerId: number;
  /** Minor units of currency. */
  amount: number;
  currency: string;
  state: PaymentState;
  /** The processor's charge id, once known. */
  providerReference: string | undefined;
  /** Charge attempts sent to the processor; after one, a charge may exist there whatever we heard. */
  attempts: number;
  declineReason: string | undefined;
  /**
   * Work left at the processor: refund a PAID payment whose order was cancelled, or, for a VOIDED
   * one that was ever attempted, look the charge up and refund it if it landed after the void.
   */
  refundDue: boolean;
  /** When the settler tries a PENDING payment next. */
  nextAttemptAt: Date | undefined;
  paidAt: Date | undefined;
  refundedAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPayment = Pick<Payment, 'orderId' | 'customerId' | 'amount' | 'currency'>;

/** What the processor said to a charge, or that nobody knows. */
export type ChargeOutcome =
  | { kind: 'charged'; reference: string }
  | { kind: 'declined'; reason: string }
  /** Timed out, failed, unparseable, or the breaker is open: the charge may or may not exist. */
  | { kind: 'unknown'; why: string };

export interface Decision {
  payment: Payment;
  events: PaymentEvent[];
}

const isId = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

export function checkNewPayment(input: NewPayment): NewPayment {
  if (!isId(input.orderId)) throw invalid('orderId', 'must be an order id (> 0)');
  if (!isId(input.customerId)) throw invalid('customerId', 'must be a customer id (> 0)');
  return { ...input, amount: checkAmount('amount', input.amount), currency: checkCurrency('currency', input.currency) };
}

/** The key the processor charges an order's payment under: the same for every attempt, so it charges once. */
export const chargeKey = (orderId: number): string => `order-${orderId}-charge`;
export const refundKey = (orderId: number): string => `order-${orderId}-refund`;

/** Backoff of the settler: 0.5 s after the first attempt, doubling, at most 30 s. */
export function nextAttempt(attempts: number, now: Date): Date {
  return new Date(now.getTime() + Math.min(30_000, 500 * 2 ** Math.max(0, attempts - 1)));
}

const unchanged = (payment: Payment): Decision => ({ payment, events: [] });
const eventFields = (payment: Payment) => ({ orderId: payment.orderId, paymentId: payment.id, amount: payment.amount, currency: payment.currency });

/** A charge is about to be sent: counted first, so a void knows a charge may exist. Only a PENDING payment is charged. */
export function beginAttempt(payment: Payment, now: Date): Payment | undefined {
  if (payment.state !== 'PENDING') return undefined;
  return { ...payment, attempts: payment.attempts + 1, nextAttemptAt: nextAttempt(payment.attempts + 1, now), updatedAt: now };
}

/**
 * What a charge's outcome does to the payment. A charge that lands after the order was cancelled
 * (VOIDED) is refunded; news for a settled payment changes nothing.
 */
export function settleCharge(payment: Payment, outcome: ChargeOutcome, now: Date): Decision {
  if (payment.state === 'VOIDED' && outcome.kind === 'charged') {
    if (payment.providerReference === outcome.reference && !payment.refundDue) return unchanged(payment);
    return { payment: { ...payment, providerReference: outcome.reference, refundDue: true, updatedAt: now }, events: [] };
  }
  if (payment.state !== 'PENDING' || outcome.kind === 'unknown') return unchanged(payment);
  if (outcome.kind === 'declined') {
    const declined: Payment = { ...payment, state: 'DECLINED', declineReason: outcome.reason, nextAttemptAt: undefined, updatedAt: now };
    return { payment: declined, events: [{ kind: 'PaymentDeclined', ...eventFields(declined), reason: outcome.reason }] };
  }
  const paid: Payment = { ...payment, state: 'PAID', providerReference: outcome.reference, nextAttemptAt: undefined, paidAt: now, updatedAt: now };
  return { payment: paid, events: [{ kind: 'PaymentCompleted', ...eventFields(paid), paidAt: now }] };
}

/**
 * The order was cancelled: a PAID payment is to be refunded (REFUNDED once the processor did); a
 * PENDING one is VOIDED at once and never charged again (if an attempt was ever sent, the charge
 * is looked up and refunded should it have landed). Anything else stays as it is.
 */
export function cancelForOrder(payment: Payment, now: Date): Decision {
  if (payment.state === 'PAID' && !payment.refundDue) return { payment: { ...payment, refundDue: true, updatedAt: now }, events: [] };
  if (payment.state !== 'PENDING') return unchanged(payment);
  const voided: Payment = { ...payment, state: 'VOIDED', refundDue: payment.attempts > 0, nextAttemptAt: undefined, updatedAt: now };
  return { payment: voided, events: [{ kind: 'PaymentVoided', ...eventFields(voided) }] };
}

/** What the processor said about a refund: done (now or before), nothing was charged, or unknown. */
export type RefundOutcome = { kind: 'refunded' } | { kind: 'nothing-charged' } | { kind: 'unknown'; why: string };

/** The refund the cancellation asked for went through: PAID -> REFUNDED; a VOIDED payment's late charge is settled. */
export function settleRefund(payment: Payment, outcome: RefundOutcome, now: Date): Decision {
  if (!payment.refundDue || outcome.kind === 'unknown') return unchanged(payment);
  if (payment.state === 'PAID' && outcome.kind === 'refunded') {
    const refunded: Payment = { ...payment, state: 'REFUNDED', refundDue: false, refundedAt: now, updatedAt: now };
    return { payment: refunded, events: [{ kind: 'PaymentRefunded', ...eventFields(refunded), refundedAt: now }] };
  }
  if (payment.state === 'VOIDED') return { payment: { ...payment, refundDue: false, updatedAt: now }, events: [] };
  return unchanged(payment);
}
