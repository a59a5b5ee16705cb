import { expect } from 'chai';
import { isAvailable, issueCoupon, refundCoupon, useCoupon, type Coupon } from '../src/domain/coupon.js';
import { decideCancellation, decidePlacement, type CouponUse } from '../src/domain/coupon-use.js';
import { refusalOf } from '#kit-testing/domain-errors.js';

const now = new Date('2026-11-21T10:00:00Z');
const coupon = (state: Coupon['state'] = 'ISSUED', orderId?: number): Coupon => ({
  id: 5,
  customerId: 9,
  discount: 300,
  state,
  orderId,
  createdAt: now,
  updatedAt: now,
});
const use = (orderId: number, state: CouponUse['state']): CouponUse => ({ orderId, couponId: 5, state });

describe('coupon domain', () => {
  describe('coupon', () => {
    it('is issued to a customer with a discount >= 0', () => {
      expect(issueCoupon({ customerId: 9, discount: 0 })).to.deep.equal({ customerId: 9, discount: 0 });
      expect(refusalOf(() => issueCoupon({ customerId: 0, discount: 1 }))).to.equal('customerId');
      expect(refusalOf(() => issueCoupon({ customerId: -3, discount: 1 }))).to.equal('customerId');
      expect(refusalOf(() => issueCoupon({ customerId: 9, discount: -1 }))).to.equal('discount');
      expect(refusalOf(() => issueCoupon({ customerId: 9, discount: 2.5 }))).to.equal('discount');
    });

    it('is available while ISSUED or REFUNDED', () => {
      expect(isAvailable(coupon('ISSUED'))).to.equal(true);
      expect(isAvailable(coupon('REFUNDED', 1))).to.equal(true);
      expect(isAvailable(coupon('USED', 1))).to.equal(false);
    });

    it('is used only while available, and refunded only by the order that uses it', () => {
      const used = useCoupon(coupon(), 41, now);
      expect(used).to.include({ state: 'USED', orderId: 41 });
      expect(refusalOf(() => useCoupon(used, 42, now))).to.equal('precondition');
      expect(refusalOf(() => refundCoupon(used, 42, now))).to.equal('precondition');
      const refunded = refundCoupon(used, 41, now);
      expect(refunded).to.include({ state: 'REFUNDED', orderId: 41 });
      expect(refusalOf(() => refundCoupon(refunded, 41, now))).to.equal('precondition');
      expect(useCoupon(refunded, 43, now)).to.include({ state: 'USED', orderId: 43 });
    });
  });

  describe('an order naming the coupon', () => {
    const placement = (orderId: number, customerId = 9) => ({ orderId, customerId, couponId: 5 });

    it('uses an available coupon of its customer', () => {
      const decision = decidePlacement(coupon(), undefined, placement(41), now);
      expect(decision.coupon).to.include({ state: 'USED', orderId: 41 });
      expect(decision.use).to.deep.equal(use(41, 'USED'));
      expect(decision.events).to.deep.equal([{ kind: 'CouponUsed', couponId: 5, customerId: 9, orderId: 41, discount: 300 }]);
    });

    it('is rejected when another order holds the coupon, which stays with that order', () => {
      const decision = decidePlacement(coupon('USED', 41), undefined, placement(42), now);
      expect(decision.coupon).to.equal(undefined);
      expect(decision.use).to.deep.equal(use(42, 'REJECTED'));
      expect(decision.events).to.deep.equal([
        { kind: 'CouponUseRejected', couponId: 5, customerId: 9, orderId: 42, discount: 300, usedByOrderId: 41 },
      ]);
    });

    it('is rejected for an unknown coupon or another customer\'s', () => {
      expect(decidePlacement(undefined, undefined, placement(42, 7), now).events).to.deep.equal([
        { kind: 'CouponUseRejected', couponId: 5, customerId: 7, orderId: 42, discount: 0, usedByOrderId: undefined },
      ]);
      const foreign = decidePlacement(coupon(), undefined, placement(42, 8), now);
      expect(foreign.coupon).to.equal(undefined);
      expect(foreign.events.map((event) => event.kind)).to.deep.equal(['CouponUseRejected']);
    });

    it('is decided once: a redelivered placement changes nothing', () => {
      expect(decidePlacement(coupon('USED', 41), use(41, 'USED'), placement(41), now)).to.deep.equal({ events: [] });
      expect(decidePlacement(coupon('USED', 41), use(42, 'REJECTED'), placement(42), now)).to.deep.equal({ events: [] });
    });

    it('does not use the coupon when its cancellation came first', () => {
      expect(decidePlacement(coupon(), use(41, 'CANCELLED_BEFORE_PLACED'), placement(41), now)).to.deep.equal({ events: [] });
    });
  });

  describe('a cancelled order naming the coupon', () => {
    const cancellation = (orderId: number) => ({ orderId, couponId: 5 });

    it('gives back the coupon it holds', () => {
      const decision = decideCancellation(coupon('USED', 41), use(41, 'USED'), cancellation(41), now);
      expect(decision.coupon).to.include({ state: 'REFUNDED', orderId: 41 });
      expect(decision.use).to.deep.equal(use(41, 'REFUNDED'));
      expect(decision.events).to.deep.equal([{ kind: 'CouponRefunded', couponId: 5, customerId: 9, orderId: 41, discount: 300 }]);
    });

    it('leaves alone a coupon it never held', () => {
      expect(decideCancellation(coupon('USED', 41), use(42, 'REJECTED'), cancellation(42), now)).to.deep.equal({ events: [] });
    });

    it('refunds once', () => {
      expect(decideCancellation(coupon('REFUNDED', 41), use(41, 'REFUNDED'), cancellation(41), now)).to.deep.equal({ events: [] });
    });

    it('is remembered when it comes before the placement', () => {
      const decision = decideCancellation(coupon(), undefined, cancellation(41), now);
      expect(decision).to.deep.equal({ use: use(41, 'CANCELLED_BEFORE_PLACED'), events: [] });
    });
  });
});
