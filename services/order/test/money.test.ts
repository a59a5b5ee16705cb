import { expect } from 'chai';
import { ConfigError } from '#kit/config/config.js';
import { refusalOf } from '#kit-testing/domain-errors.js';
import { recordDeliveryStart } from '../src/domain/delivery-start.js';
import type { NewOrder, Order } from '../src/domain/order.js';
import { recordPayment } from '../src/domain/payment.js';
import { priceOrder } from '../src/domain/pricing.js';
import { order as orderService } from '../src/main.js';

const now = new Date('2026-12-01T10:00:00Z');
const newOrder = (quantity: number): NewOrder => ({ customerId: 3, bookId: 7, quantity, deliveryAddress: 'Seoul', couponId: 5, requestId: undefined });
const order = (overrides: Partial<Order> = {}): Order => ({
  id: 42,
  ...newOrder(2),
  state: 'ORDERED',
  cancelReason: undefined,
  couponUsedAt: now,
  deliveryStartedAt: undefined,
  unitPrice: 1500,
  discount: 0,
  amount: 3000,
  currency: 'KRW',
  paymentState: 'PENDING',
  createdAt: now,
  updatedAt: now,
  ...overrides,
});

describe('the order\'s money', () => {
  it('prices unit price x quantity minus the coupon\'s discount', () => {
    expect(priceOrder(newOrder(2), 1500, 500, 'KRW')).to.include({ unitPrice: 1500, discount: 500, amount: 2500, currency: 'KRW' });
  });

  it('caps the discount at the line total, so nothing is owed but never less than nothing', () => {
    expect(priceOrder(newOrder(1), 300, 1000, 'KRW')).to.include({ discount: 300, amount: 0 });
    expect(priceOrder(newOrder(3), 0, 100, 'KRW')).to.include({ discount: 0, amount: 0 });
  });

  it('takes the shop\'s currency from SHOP_CURRENCY, KRW by default, and refuses to start with an unknown code', () => {
    expect(orderService.readConfig({}).shopCurrency).to.equal('KRW');
    expect(orderService.readConfig({ SHOP_CURRENCY: 'JPY' }).shopCurrency).to.equal('JPY');
    const error = (() => {
      try {
        orderService.readConfig({ SHOP_CURRENCY: 'XYZ' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).message).to.include('SHOP_CURRENCY must be one of');
  });

  it('refuses a line total beyond what adds up exactly, a negative price and a negative discount', () => {
    expect(refusalOf(() => priceOrder(newOrder(1_000_000), 2 ** 40, 0, 'KRW'))).to.equal('quantity');
    expect(refusalOf(() => priceOrder(newOrder(1), -1, 0, 'KRW'))).to.equal('price');
    expect(refusalOf(() => priceOrder(newOrder(1), 100, -5, 'KRW'))).to.equal('couponId');
  });
});

describe('the order\'s payment', () => {
  it('holds the delivery start until the order is PAID, and PAID confirms a start that came first', () => {
    const started = recordDeliveryStart(order(), now);
    expect(started.order).to.include({ state: 'ORDERED' });
    const paid = recordPayment(started.order, 'PAID', now);
    expect(paid.order).to.include({ state: 'DELIVERY_STARTED', paymentState: 'PAID' });
    expect(paid.events.map((event) => event.kind)).to.deep.equal(['OrderStateChanged']);
    expect(recordDeliveryStart(order({ paymentState: 'PAID' }), now).order).to.include({ state: 'DELIVERY_STARTED' });
  });

  it('cancels a declined order with PAYMENT_DECLINED, and leaves an order cancelled already as it is', () => {
    const declined = recordPayment(order(), 'DECLINED', now);
    expect(declined.order).to.include({ state: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED', paymentState: 'DECLINED' });
    expect(declined.events).to.deep.equal([{ kind: 'OrderCancelled', orderId: 42, couponId: 5, reason: 'PAYMENT_DECLINED' }]);
    const cancelled = order({ state: 'CANCELLED', cancelReason: 'CUSTOMER_REQUEST' });
    expect(recordPayment(cancelled, 'DECLINED', now)).to.deep.include({ events: [] });
  });

  it('only moves forward: a late PaymentCompleted does not undo a refund, a repeat changes nothing', () => {
    const refunded = order({ state: 'CANCELLED', paymentState: 'REFUNDED' });
    expect(recordPayment(refunded, 'PAID', now).order).to.equal(refunded);
    const paid = order({ paymentState: 'PAID' });
    expect(recordPayment(paid, 'PAID', now).order).to.equal(paid);
    expect(recordPayment(paid, 'REFUNDED', now).order).to.include({ paymentState: 'REFUNDED' });
  });
});
