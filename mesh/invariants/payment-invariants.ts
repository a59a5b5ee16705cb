import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { CancelReason, OrderState, PaymentState as OrderPaymentState } from '#contracts/order/v1/order.js';
import { PaymentState } from '#contracts/payment/v1/payment.js';
import type { Violation } from './invariants.js';
import type { ShopSnapshot } from './snapshot.js';

const moving = new Set([DeliveryState.STARTED, DeliveryState.IN_TRANSIT, DeliveryState.DELIVERED]);

/**
 * DOMAIN.md's invariants 6-9, on money: one payment and at most one charge per order (6), the
 * processor's ledger balancing the paid orders (7, when the snapshot has the ledger), no parcel
 * moving unpaid (8), and, once quiet with the processor up, nothing PENDING and every decline
 * cancelled with PAYMENT_DECLINED (9), the order agreeing with its payment.
 */
export function paymentInvariants(shop: ShopSnapshot): Violation[] {
  const violations: Violation[] = [];
  const say = (invariant: 6 | 7 | 8 | 9, message: string): void => {
    violations.push({ invariant, message });
  };
  const payments = new Map<number, ShopSnapshot['payments']>();
  for (const payment of shop.payments) payments.set(payment.orderId, [...(payments.get(payment.orderId) ?? []), payment]);
  const orders = new Map(shop.orders.map((order) => [order.id, order]));

  for (const [orderId, list] of payments) if (list.length > 1) say(6, `order ${orderId} has ${list.length} payments`);
  if (shop.ledger !== undefined) {
    const charged = new Map<string, number>();
    for (const charge of shop.ledger.charges) charged.set(charge.reference, (charged.get(charge.reference) ?? 0) + 1);
    for (const [reference, times] of charged) if (times > 1) say(6, `the processor charged ${reference} ${times} times`);
    const net = shop.ledger.charges.reduce((sum, charge) => sum + charge.amount, 0) - shop.ledger.refunds.reduce((sum, refund) => sum + refund.amount, 0);
    const paid = shop.payments.filter((payment) => payment.state === PaymentState.PAID).reduce((sum, payment) => sum + payment.amount, 0);
    if (net !== paid) say(7, `the processor holds ${net} (charged minus refunded), but PAID payments add up to ${paid}`);
  }

  for (const delivery of shop.deliveries) {
    if (!moving.has(delivery.state)) continue;
    const payment = payments.get(delivery.orderId)?.[0];
    const paid = payment === undefined ? orders.get(delivery.orderId)?.paymentState === OrderPaymentState.PAID : payment.state === PaymentState.PAID;
    if (!paid) say(8, `delivery ${delivery.id} is ${DeliveryState[delivery.state]}, but order ${delivery.orderId} is not paid`);
  }

  for (const payment of shop.payments) {
    const order = orders.get(payment.orderId);
    if (payment.state === PaymentState.PENDING) say(9, `payment ${payment.id} of order ${payment.orderId} is still PENDING`);
    if (payment.state === PaymentState.DECLINED && (order?.state !== OrderState.CANCELLED || order.cancelReason !== CancelReason.PAYMENT_DECLINED)) {
      say(9, `payment ${payment.id} was declined, but order ${payment.orderId} is not cancelled with PAYMENT_DECLINED`);
    }
    if (order !== undefined && PaymentState[payment.state] !== OrderPaymentState[order.paymentState]) {
      say(9, `order ${order.id} says its payment is ${OrderPaymentState[order.paymentState]}, payment says ${PaymentState[payment.state]}`);
    }
  }
  return violations;
}
