import type { PaymentServiceServer } from '#contracts/payment/v1/payment.js';
import { correlate } from '#kit/context/call-context.js';
import { unary } from '#kit/grpc/unary.js';
import type { PaymentQueries } from '../../app/payment-queries.js';
import type { PaymentSettlement } from '../../app/payment-settlement.js';
import { paymentMessage } from './messages.js';

/** bookstore.payment.v1.PaymentService: decode, call the use case, encode; Pay joins its order's story in the logs. */
export function paymentService(settlement: PaymentSettlement, queries: PaymentQueries): PaymentServiceServer {
  return {
    pay: unary(async (request) => {
      correlate(String(request.orderId));
      const { orderId, customerId, amount, currency } = request;
      return paymentMessage(await settlement.pay({ orderId, customerId, amount, currency }));
    }),

    getPayment: unary(async (request) => paymentMessage(await queries.payment(request.id))),

    listPayments: unary(async (request) => {
      const page = await queries.payments(request.orderId, request);
      return { payments: page.items.map(paymentMessage), nextPageToken: page.nextPageToken };
    }),
  };
}
