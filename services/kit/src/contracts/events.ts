import { BookPrepared, BookRegistered, BookUpdated, StockInputted } from '#contracts/events/v1/catalog.js';
import { CouponIssued, CouponRefunded, CouponUsed, CouponUseRejected } from '#contracts/events/v1/coupon.js';
import { CustomerRegistered } from '#contracts/events/v1/customer.js';
import { DeliveryCancelled, DeliveryStarted, DeliveryStatusChanged } from '#contracts/events/v1/delivery.js';
import { OrderCancelled, OrderPlaced, OrderStateChanged } from '#contracts/events/v1/order.js';
import { PaymentCompleted, PaymentDeclined, PaymentRefunded, PaymentVoided } from '#contracts/events/v1/payment.js';
import { defineEvent } from '../events/event.js';

/** Every domain event of the shop with its subject and protobuf codec (DOMAIN.md, "Events"). */
export const catalogEvents = {
  BookRegistered: defineEvent('catalog', 'BookRegistered', BookRegistered),
  BookUpdated: defineEvent('catalog', 'BookUpdated', BookUpdated),
  StockInputted: defineEvent('catalog', 'StockInputted', StockInputted),
  BookPrepared: defineEvent('catalog', 'BookPrepared', BookPrepared),
};

export const orderEvents = {
  OrderPlaced: defineEvent('order', 'OrderPlaced', OrderPlaced),
  OrderCancelled: defineEvent('order', 'OrderCancelled', OrderCancelled),
  OrderStateChanged: defineEvent('order', 'OrderStateChanged', OrderStateChanged),
};

export const deliveryEvents = {
  DeliveryStarted: defineEvent('delivery', 'DeliveryStarted', DeliveryStarted),
  DeliveryStatusChanged: defineEvent('delivery', 'DeliveryStatusChanged', DeliveryStatusChanged),
  DeliveryCancelled: defineEvent('delivery', 'DeliveryCancelled', DeliveryCancelled),
};

export const couponEvents = {
  CouponIssued: defineEvent('coupon', 'CouponIssued', CouponIssued),
  CouponUsed: defineEvent('coupon', 'CouponUsed', CouponUsed),
  CouponRefunded: defineEvent('coupon', 'CouponRefunded', CouponRefunded),
  CouponUseRejected: defineEvent('coupon', 'CouponUseRejected', CouponUseRejected),
};

export const customerEvents = {
  CustomerRegistered: defineEvent('customer', 'CustomerRegistered', CustomerRegistered),
};

export const paymentEvents = {
  PaymentCompleted: defineEvent('payment', 'PaymentCompleted', PaymentCompleted),
  PaymentDeclined: defineEvent('payment', 'PaymentDeclined', PaymentDeclined),
  PaymentRefunded: defineEvent('payment', 'PaymentRefunded', PaymentRefunded),
  PaymentVoided: defineEvent('payment', 'PaymentVoided', PaymentVoided),
};
