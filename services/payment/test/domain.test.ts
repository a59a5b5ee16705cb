import { expect } from 'chai';
import { refusalOf } from '#kit-testing/domain-errors.js';
import { beginAttempt, cancelForOrder, checkNewPayment, nextAttempt, settleCharge, settleRefund, type Payment } from '../src/domain/payment.js';

const now = new Date('2026-12-01T10:00:00Z');
const payment = (overrides: Partial<Payment> = {}): Payment => ({
  id: 1,
  orderId: 42,
  customerId: 3,
  amount: 3000,
  currency: 'KRW',
  state: 'PENDING',
  providerReference: undefined,
  attempts: 0,
  declineReason: undefined,
  refundDue: false,
  nextAttemptAt: now,
  paidAt: undefined,
  refundedAt: undefined,
  createdAt: now,
  updatedAt: now,
  ...overrides,
});
const kinds = (events: readonly { kind: string }[]): string[] => events.map((event) => event.kind);

describe('the payment rules', () => {
  it('takes whole amounts >= 0 in a currency the shop knows, and refuses the rest naming the field', () => {
    expect(refusalOf(() => checkNewPayment({ orderId: 1, customerId: 1, amount: 0, currency: 'KRW' }))).to.equal(undefined);
    expect(() => checkNewPayment({ orderId: 1, customerId: 1, amount: 1.5, currency: 'KRW' })).to.throw('amount:');
    expect(() => checkNewPayment({ orderId: 1, customerId: 1, amount: Number.MAX_SAFE_INTEGER + 1, currency: 'KRW' })).to.throw('amount:');
    expect(() => checkNewPayment({ orderId: 1, customerId: 1, amount: 1, currency: 'krw' })).to.throw('currency:');
    expect(() => checkNewPayment({ orderId: 0, customerId: 1, amount: 1, currency: 'KRW' })).to.throw('orderId:');
  });

  it('counts an attempt before the charge is sent, and charges only a PENDING payment', () => {
    expect(beginAttempt(payment(), now)).to.include({ attempts: 1 });
    for (const state of ['PAID', 'DECLINED', 'VOIDED', 'REFUNDED'] as const) expect(beginAttempt(payment({ state }), now)).to.equal(undefined);
  });

  it('moves PENDING to PAID or DECLINED on an answer, and stays PENDING on an unknown outcome', () => {
    const paid = settleCharge(payment(), { kind: 'charged', reference: 'ch_1' }, now);
    expect(paid.payment).to.include({ state: 'PAID', providerReference: 'ch_1' });
    expect(kinds(paid.events)).to.deep.equal(['PaymentCompleted']);
    const declined = settleCharge(payment(), { kind: 'declined', reason: 'limit' }, now);
    expect(declined.payment).to.include({ state: 'DECLINED', declineReason: 'limit' });
    expect(kinds(declined.events)).to.deep.equal(['PaymentDeclined']);
    const unknown = payment();
    expect(settleCharge(unknown, { kind: 'unknown', why: 'timeout' }, now).payment).to.equal(unknown);
    const settled = payment({ state: 'PAID' });
    expect(settleCharge(settled, { kind: 'declined', reason: 'late' }, now).payment).to.equal(settled);
  });

  it('voids a cancelled PENDING payment, refunds a cancelled PAID one once, and refunds a charge landing after a void', () => {
    const voided = cancelForOrder(payment({ attempts: 1 }), now);
    expect(voided.payment).to.include({ state: 'VOIDED', refundDue: true });
    expect(kinds(voided.events)).to.deep.equal(['PaymentVoided']);
    expect(cancelForOrder(payment(), now).payment).to.include({ state: 'VOIDED', refundDue: false });
    const late = settleCharge(voided.payment, { kind: 'charged', reference: 'ch_9' }, now);
    expect(late.payment).to.include({ state: 'VOIDED', refundDue: true, providerReference: 'ch_9' });
    expect(late.events).to.deep.equal([]);

    const toRefund = cancelForOrder(payment({ state: 'PAID', providerReference: 'ch_2' }), now);
    expect(toRefund.payment).to.include({ state: 'PAID', refundDue: true });
    expect(cancelForOrder(toRefund.payment, now).payment).to.equal(toRefund.payment);
    const refunded = settleRefund(toRefund.payment, { kind: 'refunded' }, now);
    expect(refunded.payment).to.include({ state: 'REFUNDED', refundDue: false });
    expect(kinds(refunded.events)).to.deep.equal(['PaymentRefunded']);
    expect(settleRefund(refunded.payment, { kind: 'refunded' }, now).events).to.deep.equal([]);
  });

  it('backs off from 0.5 s, doubling, up to 30 s', () => {
    const after = (attempts: number): number => nextAttempt(attempts, now).getTime() - now.getTime();
    expect([1, 2, 3, 10, 20].map(after)).to.deep.equal([500, 1000, 2000, 30_000, 30_000]);
  });
});
