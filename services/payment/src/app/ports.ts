import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { PaymentEvent } from '../domain/events.js';
import type { ChargeOutcome, NewPayment, Payment, RefundOutcome } from '../domain/payment.js';

/** The payment store as the use cases see it, inside one transaction. */
export interface PaymentTransaction {
  /** The order's payment, locked until the transaction ends. */
  paymentOfOrderForUpdate(orderId: number): Promise<Payment | undefined>;
  /** The new payment; undefined, writing nothing, when the order has one already (one payment per order). */
  addPayment(payment: NewPayment, nextAttemptAt: Date, now: Date): Promise<Payment | undefined>;
  savePayment(payment: Payment): Promise<void>;
  /** Events leave with the transaction's commit (outbox). */
  record(events: readonly PaymentEvent[]): Promise<void>;
}

export interface PaymentStore {
  transaction<T>(work: (tx: PaymentTransaction) => Promise<T>): Promise<T>;
  payment(id: number): Promise<Payment | undefined>;
  /** Oldest first; of one order, or of every order when undefined. */
  payments(orderId: number | undefined, page: PageRequest): Promise<Page<Payment>>;
  /** Orders whose payment has processor work due: PENDING and due for an attempt, or a refund due. */
  dueOrders(now: Date, limit: number): Promise<DueOrder[]>;
}

/** An order whose payment has processor work due. */
export interface DueOrder {
  orderId: number;
  /** Runs the settling of it as part of the order's story (the trace its payment began in). */
  inItsTrace: <T>(work: () => Promise<T>) => Promise<T>;
}

/** The card processor as payment needs it. Never throws: what it cannot know is `unknown`. */
export interface CardProcessor {
  /** False while the breaker in front of it is open: calling would only be refused. */
  accepting(): boolean;
  charge(key: string, amount: number, currency: string, reference: string): Promise<ChargeOutcome>;
  /** The charge made under `key`, `none` when there is none, or unknown. */
  chargeByKey(key: string): Promise<ChargeOutcome | { kind: 'none' }>;
  refund(chargeReference: string, key: string): Promise<RefundOutcome>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
