import { expect } from 'chai';
import { checkCouponUsable } from '../src/domain/coupon.js';
import { recordCouponUse, recordDeliveryStart } from '../src/domain/delivery-start.js';
import { refusalOf } from '#kit-testing/domain-errors.js';
import {
  advanceDelivery,
  answerRetry,
  cancelByCustomer,
  checkNewOrder,
  orderPlaced,
  rejectCouponUse,
  type NewOrder,
  type Order,
  type OrderState,
} from '../src/domain/order.js';

const now = new Date('2026-11-21T10:00:00Z');
const later = new Date('2026-11-21T11:00:00Z');
const order = (state: OrderState, couponId?: number): Order => ({
  id: 42,
  customerId: 3,
  bookId: 7,
  quantity: 2,
  deliveryAddress: '221B Baker Street',
  couponId,
  state,
  cancelReason: undefined,
  couponUsedAt: undefined,
  deliveryStartedAt: undefined,
  unitPrice: 1500,
  discount: 0,
  amount: 3000,
  currency: 'KRW',
  paymentState: 'PAID',
  createdAt: now,
  updatedAt: now,
});
const valid: NewOrder = { customerId: 3, bookId: 7, quantity: 1, deliveryAddress: ' 221B Baker Street ', couponId: undefined, requestId: undefined };

describe('order domain', () => {
  describe('placing', () => {
    it('accepts a valid order with a trimmed delivery address', () => {
      expect(checkNewOrder(valid)).to.deep.equal({ ...valid, deliveryAddress: '221B Baker Street' });
      expect(checkNewOrder({ ...valid, couponId: 5 }).couponId).to.equal(5);
    });

    it('names the field a bad order breaks', () => {
      expect(refusalOf(() => checkNewOrder({ ...valid, customerId: 0 }))).to.equal('customerId');
      expect(refusalOf(() => checkNewOrder({ ...valid, bookId: -1 }))).to.equal('bookId');
      expect(refusalOf(() => checkNewOrder({ ...valid, quantity: 0 }))).to.equal('quantity');
      expect(refusalOf(() => checkNewOrder({ ...valid, quantity: 1.5 }))).to.equal('quantity');
      expect(refusalOf(() => checkNewOrder({ ...valid, deliveryAddress: '   ' }))).to.equal('deliveryAddress');
      expect(refusalOf(() => checkNewOrder({ ...valid, deliveryAddress: 'x'.repeat(501) }))).to.equal('deliveryAddress');
      expect(refusalOf(() => checkNewOrder({ ...valid, couponId: -2 }))).to.equal('couponId');
      expect(refusalOf(() => checkNewOrder({ ...valid, requestId: '' }))).to.equal('requestId');
      expect(refusalOf(() => checkNewOrder({ ...valid, requestId: 'x'.repeat(101) }))).to.equal('requestId');
      expect(refusalOf(() => checkNewOrder({ ...valid, requestId: 'retry\n1' }))).to.equal('requestId');
    });

    it('takes a requestId of up to 100 characters as it is', () => {
      const requestId = ` ${'x'.repeat(98)} `;
      expect(checkNewOrder({ ...valid, requestId }).requestId).to.equal(requestId);
    });

    it('answers a retry with the order placed then, and refuses a requestId reused for a different order', () => {
      const earlier = order('CANCELLED', 5);
      const retry: NewOrder = { customerId: 3, bookId: 7, quantity: 2, deliveryAddress: '221B Baker Street', couponId: 5, requestId: 'r-1' };
      expect(answerRetry(earlier, retry, 'r-1')).to.equal(earlier);
      for (const different of [{ bookId: 8 }, { quantity: 3 }, { deliveryAddress: '10 Downing Street' }, { couponId: undefined }]) {
        expect(() => answerRetry(earlier, { ...retry, ...different }, 'r-1')).to.throw('requestId r-1 was already used for order 42 with different details');
      }
    });

    it('tells the shop everything a deliverable, a delivery, a coupon and a payment need', () => {
      expect(orderPlaced(order('ORDERED', 5))).to.deep.equal({
        kind: 'OrderPlaced',
        orderId: 42,
        customerId: 3,
        bookId: 7,
        quantity: 2,
        deliveryAddress: '221B Baker Street',
        couponId: 5,
        amount: 3000,
        currency: 'KRW',
      });
    });

    it('takes a coupon of the customer that is ISSUED or REFUNDED, and nothing else', () => {
      expect(refusalOf(() => { checkCouponUsable({ id: 5, customerId: 3, discount: 300, state: 'ISSUED' }, 3); })).to.equal(undefined);
      expect(refusalOf(() => { checkCouponUsable({ id: 5, customerId: 3, discount: 300, state: 'REFUNDED' }, 3); })).to.equal(undefined);
      expect(refusalOf(() => { checkCouponUsable({ id: 5, customerId: 3, discount: 300, state: 'USED' }, 3); })).to.equal('precondition');
      expect(refusalOf(() => { checkCouponUsable({ id: 5, customerId: 4, discount: 300, state: 'ISSUED' }, 3); })).to.equal('precondition');
    });
  });

  describe('cancelling', () => {
    it('cancels an ORDERED order, keeps it, and says so with the coupon to give back', () => {
      const { order: cancelled, events } = cancelByCustomer(order('ORDERED', 5), later);
      expect(cancelled).to.include({ id: 42, state: 'CANCELLED', cancelReason: 'CUSTOMER_REQUEST' });
      expect(cancelled.updatedAt).to.equal(later);
      expect(events).to.deep.equal([{ kind: 'OrderCancelled', orderId: 42, couponId: 5, reason: 'CUSTOMER_REQUEST' }]);
    });

    it('refuses once the delivery started, or when already cancelled', () => {
      for (const state of ['DELIVERY_STARTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'] as const) {
        expect(refusalOf(() => cancelByCustomer(order(state), later)), state).to.equal('precondition');
      }
    });
  });

  describe('confirming the delivery start', () => {
    const confirmed = { kind: 'OrderStateChanged', orderId: 42, state: 'DELIVERY_STARTED' };

    it('confirms at once, for an order without a coupon, and says so', () => {
      const started = recordDeliveryStart(order('ORDERED'), later);
      expect(started.order).to.include({ state: 'DELIVERY_STARTED', deliveryStartedAt: later, updatedAt: later });
      expect(started.events).to.deep.equal([confirmed]);
    });

    it('waits for CouponUsed, for an order with a coupon: ORDERED, so it can still be cancelled', () => {
      const waiting = recordDeliveryStart(order('ORDERED', 5), later);
      expect(waiting.order).to.include({ state: 'ORDERED', deliveryStartedAt: later, updatedAt: now });
      expect(waiting.events).to.deep.equal([]);
      expect(refusalOf(() => cancelByCustomer(waiting.order, later))).to.equal(undefined);
      expect(rejectCouponUse(waiting.order, 5, later).order).to.include({ state: 'CANCELLED', cancelReason: 'COUPON_ALREADY_USED' });

      const settled = recordCouponUse(waiting.order, 5, later);
      expect(settled.order).to.include({ state: 'DELIVERY_STARTED', couponUsedAt: later });
      expect(settled.events).to.deep.equal([confirmed]);
    });

    it('confirms when the delivery start comes after CouponUsed', () => {
      const settled = recordCouponUse(order('ORDERED', 5), 5, later);
      expect(settled.order).to.include({ state: 'ORDERED', couponUsedAt: later });
      expect(settled.events).to.deep.equal([]);
      const started = recordDeliveryStart(settled.order, later);
      expect(started.order.state).to.equal('DELIVERY_STARTED');
      expect(started.events).to.deep.equal([confirmed]);
    });

    it('changes nothing on a repeated fact, on a use of another coupon, or for a cancelled order', () => {
      const waiting = recordDeliveryStart(order('ORDERED', 5), now).order;
      expect(recordDeliveryStart(waiting, later).order).to.equal(waiting);
      expect(recordCouponUse(waiting, 6, later).order).to.equal(waiting);
      const used = recordCouponUse(order('ORDERED', 5), 5, now).order;
      expect(recordCouponUse(used, 5, later).order).to.equal(used);
      expect(recordCouponUse(order('ORDERED'), 5, later).events).to.deep.equal([]);
      for (const cancelled of [order('CANCELLED'), order('CANCELLED', 5)]) {
        expect(recordDeliveryStart(cancelled, later).order).to.equal(cancelled);
        expect(recordCouponUse(cancelled, 5, later).order).to.equal(cancelled);
      }
    });

    it('ignores a delivery start that arrives after the order moved on', () => {
      for (const state of ['DELIVERY_STARTED', 'IN_TRANSIT', 'DELIVERED'] as const) {
        const late = order(state);
        expect(recordDeliveryStart(late, later).order, state).to.equal(late);
      }
    });
  });

  describe("the courier's moves", () => {
    it('moves forward one state at a time and says so', () => {
      const started = recordDeliveryStart(order('ORDERED'), later);
      const inTransit = advanceDelivery(started.order, 'IN_TRANSIT', later);
      expect(inTransit.order.state).to.equal('IN_TRANSIT');
      expect(inTransit.events).to.deep.equal([{ kind: 'OrderStateChanged', orderId: 42, state: 'IN_TRANSIT' }]);
      const delivered = advanceDelivery(inTransit.order, 'DELIVERED', later);
      expect(delivered.order.state).to.equal('DELIVERED');
      expect(delivered.events).to.deep.equal([{ kind: 'OrderStateChanged', orderId: 42, state: 'DELIVERED' }]);
    });

    it('ignores news older than the order state, or repeated', () => {
      const late = advanceDelivery(order('IN_TRANSIT'), 'IN_TRANSIT', later);
      expect(late.order.state).to.equal('IN_TRANSIT');
      expect(late.events).to.deep.equal([]);
      expect(advanceDelivery(order('DELIVERED'), 'IN_TRANSIT', later).order.state).to.equal('DELIVERED');
    });

    it('takes a later state whose predecessor has not arrived yet', () => {
      const skipped = advanceDelivery(order('ORDERED'), 'IN_TRANSIT', later);
      expect(skipped.order.state).to.equal('IN_TRANSIT');
      expect(skipped.events).to.deep.equal([{ kind: 'OrderStateChanged', orderId: 42, state: 'IN_TRANSIT' }]);
    });

    it('leaves a CANCELLED order alone', () => {
      for (const progress of ['IN_TRANSIT', 'DELIVERED'] as const) {
        const decision = advanceDelivery(order('CANCELLED'), progress, later);
        expect(decision.order.state).to.equal('CANCELLED');
        expect(decision.events).to.deep.equal([]);
      }
    });
  });

  describe('compensation for a coupon used first by another order', () => {
    it('cancels the order in any state but DELIVERED, with reason COUPON_ALREADY_USED', () => {
      for (const state of ['ORDERED', 'DELIVERY_STARTED', 'IN_TRANSIT'] as const) {
        const { order: cancelled, events } = rejectCouponUse(order(state, 5), 5, later);
        expect(cancelled, state).to.include({ state: 'CANCELLED', cancelReason: 'COUPON_ALREADY_USED' });
        expect(events).to.deep.equal([{ kind: 'OrderCancelled', orderId: 42, couponId: 5, reason: 'COUPON_ALREADY_USED' }]);
      }
    });

    it('leaves a DELIVERED or already CANCELLED order as it is', () => {
      expect(rejectCouponUse(order('DELIVERED', 5), 5, later)).to.deep.equal({ order: order('DELIVERED', 5), events: [] });
      const cancelled = cancelByCustomer(order('ORDERED', 5), now).order;
      expect(rejectCouponUse(cancelled, 5, later)).to.deep.equal({ order: cancelled, events: [] });
    });

    it('ignores a rejection of a coupon the order does not use', () => {
      expect(rejectCouponUse(order('ORDERED', 5), 6, later).events).to.deep.equal([]);
      expect(rejectCouponUse(order('ORDERED'), 6, later).events).to.deep.equal([]);
    });
  });
});
