import {
  beginAttempt,
  chargeKey,
  checkNewPayment,
  nextAttempt,
  refundKey,
  settleCharge,
  settleRefund,
  type ChargeOutcome,
  type Decision,
  type NewPayment,
  type Payment,
  type RefundOutcome,
} from '../domain/payment.js';
import type { CardProcessor, Clock, PaymentStore, PaymentTransaction } from './ports.js';

/**
 * Paying and settling: Pay (order's synchronous call) and the background settler both come here.
 * The processor is never called inside a store transaction; a transaction before the call counts
 * the attempt, one after it applies the outcome to whatever the payment has become meanwhile (a
 * cancellation may have voided it). Every charge of an order goes under the same idempotency key,
 * and after an attempt whose outcome is unknown the charge is looked up by that key first, so
 * concurrent Pay calls, the settler and redelivered events charge an order once.
 */
export class PaymentSettlement {
  constructor(
    private readonly store: PaymentStore,
    private readonly processor: CardProcessor,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the order's payment PENDING (once), tries to charge it once, and answers where it
   * stands. The attempt is counted in the transaction that records the payment: one transaction
   * fewer per order, and nothing can come between them that the row lock would not have waited for.
   */
  async pay(input: NewPayment): Promise<Payment> {
    const valid = checkNewPayment(input);
    const started = await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      // Due for the settler only after the backoff, so it does not race the attempt Pay makes now.
      const payment = (await tx.addPayment(valid, nextAttempt(1, now), now)) ?? (await tx.paymentOfOrderForUpdate(valid.orderId));
      if (payment === undefined) throw new Error(`payment of order ${valid.orderId} was refused but not found`);
      return payment.state === 'PENDING' ? this.beginAttempt(tx, payment) : { payment, attempt: undefined };
    });
    return this.finishAttempt(started);
  }

  /** One charge attempt for a PENDING payment; PENDING again when the outcome is unknown (breaker open, slow, failing). */
  async attemptCharge(orderId: number): Promise<Payment> {
    const started = await this.store.transaction(async (tx) => this.beginAttempt(tx, await this.lock(tx, orderId)));
    return this.finishAttempt(started);
  }

  /** Counts an attempt of the locked `payment` when the processor takes calls. */
  private async beginAttempt(tx: PaymentTransaction, payment: Payment): Promise<{ payment: Payment; attempt: Payment | undefined }> {
    const attempt = this.processor.accepting() ? beginAttempt(payment, this.clock.now()) : undefined;
    if (attempt !== undefined) await tx.savePayment(attempt);
    return { payment, attempt };
  }

  /** Charges at the processor, outside any transaction, and applies the outcome to the payment as it is by then. */
  private async finishAttempt(started: { payment: Payment; attempt: Payment | undefined }): Promise<Payment> {
    if (started.attempt === undefined) return started.payment;
    const outcome = await this.charge(started.payment);
    return this.decide(started.payment.orderId, (payment, now) => settleCharge(payment, outcome, now));
  }

  /** The refund a cancellation asked for: of a PAID payment, or of a VOIDED one's charge should it have landed. */
  async refundIfDue(orderId: number): Promise<Payment> {
    const payment = await this.store.transaction((tx) => this.lock(tx, orderId));
    if (!payment.refundDue) return payment;
    const outcome = await this.refund(payment);
    return this.decide(orderId, (current, now) => settleRefund(current, outcome, now));
  }

  private async charge(payment: Payment): Promise<ChargeOutcome> {
    const key = chargeKey(payment.orderId);
    if (payment.attempts > 0) {
      // An earlier attempt's outcome is unknown: it may have charged. Ask before charging again.
      const earlier = await this.processor.chargeByKey(key);
      if (earlier.kind !== 'none') return earlier;
    }
    return this.processor.charge(key, payment.amount, payment.currency, `order ${payment.orderId}`);
  }

  private async refund(payment: Payment): Promise<RefundOutcome> {
    let reference = payment.providerReference;
    if (reference === undefined) {
      const charge = await this.processor.chargeByKey(chargeKey(payment.orderId));
      if (charge.kind === 'none' || charge.kind === 'declined') return { kind: 'nothing-charged' };
      if (charge.kind === 'unknown') return charge;
      reference = charge.reference;
    }
    return this.processor.refund(reference, refundKey(payment.orderId));
  }

  private decide(orderId: number, rule: (payment: Payment, now: Date) => Decision): Promise<Payment> {
    return this.store.transaction(async (tx) => {
      const payment = await this.lock(tx, orderId);
      const decision = rule(payment, this.clock.now());
      if (decision.payment === payment) return payment;
      await tx.savePayment(decision.payment);
      await tx.record(decision.events);
      return decision.payment;
    });
  }

  private async lock(tx: PaymentTransaction, orderId: number): Promise<Payment> {
    const payment = await tx.paymentOfOrderForUpdate(orderId);
    if (payment === undefined) throw new Error(`order ${orderId} has no payment`);
    return payment;
  }
}
