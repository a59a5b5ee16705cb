import { CancelReason, OrderState, type Order as OrderMessage, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import type { NewOrder, Order } from '../../domain/order.js';

/** Domain objects to and from the order's protobuf messages; no coupon and no cancel reason are absent fields, "" is no requestId. */
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
});

export const newOrder = (request: PlaceOrderRequest): NewOrder => ({
  customerId: request.customerId,
  bookId: request.bookId,
  quantity: request.quantity,
  deliveryAddress: request.deliveryAddress,
  couponId: request.couponId,
  requestId: request.requestId === '' ? undefined : request.requestId,
});
