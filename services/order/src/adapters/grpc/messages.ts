import { CancelReason, OrderState, PaymentState, type Order as OrderMessage, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import { optionalId } from '#kit/domain/ids.js';
import type { NewOrder, Order } from '../../domain/order.js';

/**
 * Domain objects to and from the order's protobuf messages. An order without a coupon or cancel reason
 * has none on the wire; a request's couponId is absent or 0 for none, "" is no requestId.
 */
export const orderMessage = (order: Order): OrderMessage => ({
  id: order.id,
  customerId: order.customerId,
  bookId: order.bookId,
  quantity: order.quantity,
  deliveryAddress: order.deliveryAddress,
  couponId: order.couponId,
  state: OrderState[order.state],
  cancelReason: order.cancelReason === undefined ? undefined : CancelReason[order.cancelReason],
  createTime: order.createdAt,
  updateTime: order.updatedAt,
  unitPrice: order.unitPrice,
  discount: order.discount,
  amount: order.amount,
  currency: order.currency,
  paymentState: PaymentState[order.paymentState],
});

export const newOrder = (request: PlaceOrderRequest): NewOrder => ({
  customerId: request.customerId,
  bookId: request.bookId,
  quantity: request.quantity,
  deliveryAddress: request.deliveryAddress,
  couponId: optionalId('couponId', request.couponId),
  requestId: request.requestId === '' ? undefined : request.requestId,
});
