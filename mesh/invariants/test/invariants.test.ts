import { expect } from 'chai';
import { Book, Deliverable, DeliverableState, StockInput } from '#contracts/catalog/v1/catalog.js';
import { Coupon, CouponState } from '#contracts/coupon/v1/coupon.js';
import { Delivery, DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { MyCouponAction, MyCouponEntry, MyPageRow } from '#contracts/mypage/v1/mypage.js';
import { CancelReason, Order, OrderState, PaymentState as OrderPaymentState } from '#contracts/order/v1/order.js';
import { Payment, PaymentState } from '#contracts/payment/v1/payment.js';
import { checkInvariants } from '../invariants.js';
import type { ShopSnapshot } from '../snapshot.js';

const amounts: Record<number, number> = { 1: 3000, 2: 1000, 3: 1000, 4: 5000 };
const paymentStates: Record<number, 'PAID' | 'REFUNDED'> = { 1: 'PAID', 2: 'REFUNDED', 3: 'REFUNDED', 4: 'PAID' };

/**
 * A quiet shop: order 1 delivered with coupon 7 used; order 2 cancelled by its customer (coupon 8
 * refunded); order 3 refused coupon 7 (taken by order 1) and cancelled; order 4 waiting for stock.
 * Orders 1 and 4 are paid; 2 and 3 were paid and refunded; the processor's ledger agrees.
 */
function quietShop(): ShopSnapshot {
  return {
    books: [Book.fromPartial({ id: 10, bookName: 'LondonTour', stock: 1, initialStock: 3 })],
    stockInputs: [StockInput.fromPartial({ id: 1, bookId: 10, quantity: 2 })],
    deliverables: [
      Deliverable.fromPartial({ id: 1, orderId: 1, bookId: 10, quantity: 4, state: DeliverableState.PREPARED }),
      Deliverable.fromPartial({ id: 2, orderId: 2, bookId: 10, quantity: 1, state: DeliverableState.CANCELLED }),
      Deliverable.fromPartial({ id: 3, orderId: 3, bookId: 10, quantity: 1, state: DeliverableState.CANCELLED }),
      Deliverable.fromPartial({ id: 4, orderId: 4, bookId: 10, quantity: 5, state: DeliverableState.WAITING }),
    ],
    orders: [
      Order.fromPartial({ id: 1, customerId: 5, bookId: 10, quantity: 4, couponId: 7, state: OrderState.DELIVERED, amount: 3000, paymentState: OrderPaymentState.PAID }),
      Order.fromPartial({ id: 2, customerId: 6, bookId: 10, quantity: 1, couponId: 8, state: OrderState.CANCELLED, cancelReason: CancelReason.CUSTOMER_REQUEST, amount: 1000, paymentState: OrderPaymentState.REFUNDED }),
      Order.fromPartial({ id: 3, customerId: 5, bookId: 10, quantity: 1, couponId: 7, state: OrderState.CANCELLED, cancelReason: CancelReason.COUPON_ALREADY_USED, amount: 1000, paymentState: OrderPaymentState.REFUNDED }),
      Order.fromPartial({ id: 4, customerId: 6, bookId: 10, quantity: 5, state: OrderState.ORDERED, amount: 5000, paymentState: OrderPaymentState.PAID }),
    ],
    deliveries: [
      Delivery.fromPartial({ id: 1, orderId: 1, state: DeliveryState.DELIVERED }),
      Delivery.fromPartial({ id: 2, orderId: 2, state: DeliveryState.CANCELLED }),
      Delivery.fromPartial({ id: 3, orderId: 3, state: DeliveryState.CANCELLED }),
      Delivery.fromPartial({ id: 4, orderId: 4, state: DeliveryState.READY }),
    ],
    coupons: [
      Coupon.fromPartial({ id: 7, customerId: 5, state: CouponState.USED, orderId: 1 }),
      Coupon.fromPartial({ id: 8, customerId: 6, state: CouponState.REFUNDED, orderId: 2 }),
    ],
    myPageRows: [
      MyPageRow.fromPartial({ orderId: 1, customerId: 5, bookId: 10, bookName: 'LondonTour', quantity: 4, couponId: 7, orderState: OrderState.DELIVERED, deliveryState: DeliveryState.DELIVERED, amount: 3000, paymentState: OrderPaymentState.PAID }),
      MyPageRow.fromPartial({ orderId: 2, customerId: 6, bookId: 10, bookName: 'LondonTour', quantity: 1, couponId: 8, orderState: OrderState.CANCELLED, deliveryState: DeliveryState.CANCELLED, amount: 1000, paymentState: OrderPaymentState.REFUNDED }),
      MyPageRow.fromPartial({ orderId: 3, customerId: 5, bookId: 10, bookName: 'LondonTour', quantity: 1, couponId: 7, orderState: OrderState.CANCELLED, deliveryState: DeliveryState.CANCELLED, amount: 1000, paymentState: OrderPaymentState.REFUNDED }),
      MyPageRow.fromPartial({ orderId: 4, customerId: 6, bookId: 10, bookName: 'LondonTour', quantity: 5, orderState: OrderState.ORDERED, deliveryState: DeliveryState.READY, amount: 5000, paymentState: OrderPaymentState.PAID }),
    ],
    myCoupons: [
      MyCouponEntry.fromPartial({ couponId: 7, action: MyCouponAction.ISSUED }),
      MyCouponEntry.fromPartial({ couponId: 7, action: MyCouponAction.USED, orderId: 1 }),
      MyCouponEntry.fromPartial({ couponId: 7, action: MyCouponAction.USE_REJECTED, orderId: 3 }),
      MyCouponEntry.fromPartial({ couponId: 8, action: MyCouponAction.ISSUED }),
      MyCouponEntry.fromPartial({ couponId: 8, action: MyCouponAction.USED, orderId: 2 }),
      MyCouponEntry.fromPartial({ couponId: 8, action: MyCouponAction.REFUNDED, orderId: 2 }),
    ],
    payments: [1, 2, 3, 4].map((orderId) => Payment.fromPartial({ id: orderId, orderId, amount: amounts[orderId], state: PaymentState[paymentStates[orderId] ?? 'PAID'] })),
    ledger: {
      charges: [1, 2, 3, 4].map((orderId) => ({ id: `ch_${orderId}`, idempotencyKey: `order-${orderId}-charge`, amount: amounts[orderId] ?? 0, currency: 'KRW', reference: `order ${orderId}`, status: 'succeeded' })),
      refunds: [2, 3].map((orderId) => ({ id: `re_${orderId}`, chargeId: `ch_${orderId}`, amount: amounts[orderId] ?? 0 })),
    },
  };
}

const brokenInvariants = (shop: ShopSnapshot, accepted?: number[]): number[] =>
  [...new Set(checkInvariants(shop, { acceptedOrderIds: accepted }).map((violation) => violation.invariant))].sort();

describe('the invariant checker', () => {
  it('finds nothing wrong with a quiet, consistent shop', () => {
    expect(checkInvariants(quietShop(), { acceptedOrderIds: [1, 2, 3, 4] })).to.deep.equal([]);
  });

  it('1: an accepted order missing, an order nobody accepted, an order without its deliverable', () => {
    expect(brokenInvariants(quietShop(), [1, 2, 3, 4, 5])).to.deep.equal([1]);
    expect(brokenInvariants(quietShop(), [1, 2, 3])).to.deep.equal([1]);
    const shop = quietShop();
    shop.deliverables = shop.deliverables.filter((deliverable) => deliverable.orderId !== 4);
    expect(brokenInvariants(shop)).to.include(1);
  });

  it('2: stock that appeared or vanished', () => {
    const shop = quietShop();
    shop.books = [Book.fromPartial({ ...shop.books[0], stock: 2 })];
    expect(brokenInvariants(shop)).to.deep.equal([2]);
  });

  it('3: one coupon held by two orders, and a coupon left USED by a cancelled order', () => {
    const shop = quietShop();
    shop.orders = shop.orders.map((order) => (order.id === 3 ? { ...order, state: OrderState.DELIVERED, cancelReason: undefined } : order));
    expect(checkInvariants(shop).filter((violation) => violation.invariant === 3)).to.have.length.greaterThan(0);
    const refundMissing = quietShop();
    refundMissing.coupons = refundMissing.coupons.map((coupon) => (coupon.id === 8 ? { ...coupon, state: CouponState.USED } : coupon));
    expect(brokenInvariants(refundMissing)).to.include(3);
  });

  it('4: a cancelled order whose delivery goes on', () => {
    const shop = quietShop();
    shop.deliveries = shop.deliveries.map((delivery) => (delivery.orderId === 2 ? { ...delivery, state: DeliveryState.STARTED } : delivery));
    expect(brokenInvariants(shop)).to.include(4);
  });

  it('5: a my page row behind the owner, a missing row, a history without the refund', () => {
    const stale = quietShop();
    stale.myPageRows = stale.myPageRows.map((row) => (row.orderId === 1 ? { ...row, deliveryState: DeliveryState.IN_TRANSIT } : row));
    expect(brokenInvariants(stale)).to.deep.equal([5]);
    const missing = quietShop();
    missing.myPageRows = missing.myPageRows.slice(1);
    expect(brokenInvariants(missing)).to.deep.equal([5]);
    const history = quietShop();
    history.myCoupons = history.myCoupons.filter((entry) => entry.action !== MyCouponAction.REFUNDED);
    expect(brokenInvariants(history)).to.deep.equal([5]);
  });

  it('6: two payments of one order, and an order charged twice', () => {
    const twoPayments = quietShop();
    twoPayments.payments.push(Payment.fromPartial({ id: 9, orderId: 4, amount: 0, state: PaymentState.VOIDED }));
    expect(brokenInvariants(twoPayments)).to.include(6);
    const chargedTwice = quietShop();
    chargedTwice.ledger?.charges.push({ id: 'ch_9', idempotencyKey: 'other', amount: 0, currency: 'KRW', reference: 'order 4', status: 'succeeded' });
    expect(brokenInvariants(chargedTwice)).to.deep.equal([6]);
  });

  it('7: money the processor holds that no paid order accounts for', () => {
    const shop = quietShop();
    shop.ledger?.refunds.pop();
    expect(brokenInvariants(shop)).to.deep.equal([7]);
  });

  it('8: a parcel moving for an order that is not paid', () => {
    const shop = quietShop();
    shop.payments = shop.payments.map((payment) => (payment.orderId === 1 ? { ...payment, state: PaymentState.DECLINED } : payment));
    expect(brokenInvariants(shop)).to.include.members([8, 9]);
  });

  it('9: a payment still PENDING, and a declined one whose order was not cancelled for it', () => {
    const pending = quietShop();
    pending.payments = pending.payments.map((payment) => (payment.orderId === 4 ? { ...payment, state: PaymentState.PENDING } : payment));
    pending.ledger?.charges.pop();
    expect(brokenInvariants(pending)).to.include(9);
    const declined = quietShop();
    declined.payments = declined.payments.map((payment) => (payment.orderId === 2 ? { ...payment, state: PaymentState.DECLINED } : payment));
    declined.orders = declined.orders.map((order) => (order.id === 2 ? { ...order, paymentState: OrderPaymentState.DECLINED } : order));
    declined.myPageRows = declined.myPageRows.map((row) => (row.orderId === 2 ? { ...row, paymentState: OrderPaymentState.DECLINED } : row));
    declined.ledger?.refunds.splice(0, 1);
    declined.ledger?.charges.splice(1, 1);
    expect(brokenInvariants(declined)).to.deep.equal([9]);
  });

  it('10: an order that never heard its delivery started', () => {
    const shop = quietShop();
    shop.orders = shop.orders.map((order) => (order.id === 1 ? { ...order, state: OrderState.ORDERED } : order));
    shop.myPageRows = shop.myPageRows.map((row) => (row.orderId === 1 ? { ...row, orderState: OrderState.ORDERED } : row));
    expect(brokenInvariants(shop)).to.deep.equal([10]);
  });
});
