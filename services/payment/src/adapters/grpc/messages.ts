import { PaymentState, type Payment as PaymentMessage } from '#contracts/payment/v1/payment.js';
import type { Payment } from '../../domain/payment.js';

/** A payment as the API shows it; what the processor has not said yet is absent. */
export const paymentMessage = (payment: Payment): PaymentMessage => ({
  id: payment.id,
  orderId: payment.orderId,
  customerId: payment.customerId,
  amount: payment.amount,
  currency: payment.currency,
  state: PaymentState[payment.state],
  providerReference: payment.providerReference,
  attempts: payment.attempts,
  declineReason: payment.declineReason,
  createTime: payment.createdAt,
  updateTime: payment.updatedAt,
  paidTime: payment.paidAt,
  refundedTime: payment.refundedAt,
});
