import { CancelReason, OrderState, PaymentState, type Order as OrderMessage, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import type { NewOrder, Order } from '../../domain/order.js';

/** Domain objects to and from the order's protobuf messages; 0 stands for "no coupon" and "" for "no requestId" on the wire. */
export const orderMessage = (order: Order): OrderMessage => ({
  id: order.id,
  customerId: order.customerId,
  bookId: order.bookId,
  quantity: order.quantity,
  deliveryAddress: order.deliveryAddress,
  couponId: order.couponId ?? 0,
  state: OrderState[order.state],
  cancelReason: order.cancelReason === undefined ? CancelReason.CANCEL_REASON_UNSPECIFIED : CancelReason[order.cancelReason],
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
  couponId: request.couponId === 0 ? undefined : request.couponId,
  requestId: request.requestId === '' ? undefined : request.requestId,
});
