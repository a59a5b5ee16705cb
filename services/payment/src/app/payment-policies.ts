import { NotYet } from '#kit/events/event.js';
import { cancelForOrder, type NewPayment } from '../domain/payment.js';
import type { Clock, PaymentTransaction } from './ports.js';

/**
 * The payment's policies (DOMAIN.md, Money and payment): an order Pay never saw (payment was
 * unreachable) gets its payment from OrderPlaced, due at once for the settler; a cancelled order's
 * payment is voided, or marked for refund when it was paid.
 */
export class PaymentPolicies {
  constructor(private readonly clock: Clock) {}

  async whenOrderPlaced(tx: PaymentTransaction, order: NewPayment): Promise<void> {
    const now = this.clock.now();
    await tx.addPayment(order, now, now);
  }

  async whenOrderCancelled(tx: PaymentTransaction, orderId: number): Promise<void> {
    const payment = await tx.paymentOfOrderForUpdate(orderId);
    if (payment === undefined) throw new NotYet(`order ${orderId} has no payment yet (OrderPlaced has not arrived)`);
    const decision = cancelForOrder(payment, this.clock.now());
    if (decision.payment === payment) return;
    await tx.savePayment(decision.payment);
    await tx.record(decision.events);
  }
}
