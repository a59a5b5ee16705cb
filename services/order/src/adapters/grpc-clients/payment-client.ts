import { PaymentState, type PaymentServiceService } from '#contracts/payment/v1/payment.js';
import type { GrpcClient } from '#kit/grpc/client.js';
import type { Logger } from '#kit/log/log.js';
import type { Payments } from '../../app/ports.js';
import type { Order } from '../../domain/order.js';
import type { PaymentState as State } from '../../domain/payment.js';

const domainStates: Partial<Record<PaymentState, State>> = {
  [PaymentState.PENDING]: 'PENDING',
  [PaymentState.PAID]: 'PAID',
  [PaymentState.DECLINED]: 'DECLINED',
  [PaymentState.VOIDED]: 'VOIDED',
  [PaymentState.REFUNDED]: 'REFUNDED',
};

/**
 * Payments through payment's Pay, within the order -> payment deadline. When payment cannot be
 * reached (down, too slow, breaker open) the order is accepted PENDING: payment creates and settles
 * the payment from OrderPlaced.
 */
export class PaymentServicePayments implements Payments {
  constructor(
    private readonly payment: GrpcClient<typeof PaymentServiceService>,
    private readonly log: Logger,
  ) {}

  async pay(order: Order): Promise<State> {
    try {
      const answer = await this.payment.call('pay', { orderId: order.id, customerId: order.customerId, amount: order.amount, currency: order.currency });
      return domainStates[answer.state] ?? 'PENDING';
    } catch (error) {
      this.log.warn({ err: error, orderId: order.id }, `order ${order.id} accepted with its payment PENDING: payment did not answer`);
      return 'PENDING';
    }
  }
}
