import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { MyCouponAction, type MyCouponEntry as MyCouponEntryMessage, type MyPageRow as MyPageRowMessage } from '#contracts/mypage/v1/mypage.js';
import { CancelReason, OrderState, PaymentState } from '#contracts/order/v1/order.js';
import type { MyCouponEntry } from '../../domain/my-coupon.js';
import type { MyPageRow } from '../../domain/my-page-row.js';

/** The view's rows as the API's messages; the states keep the owning contexts' enums. */
export const myPageRowMessage = (row: MyPageRow): MyPageRowMessage => ({
  orderId: row.orderId,
  customerId: row.customerId ?? 0,
  bookId: row.bookId ?? 0,
  bookName: row.bookName ?? '',
  quantity: row.quantity ?? 0,
  orderState: row.orderState === undefined ? OrderState.ORDER_STATE_UNSPECIFIED : OrderState[row.orderState],
  deliveryState: row.deliveryState === undefined ? DeliveryState.DELIVERY_STATE_UNSPECIFIED : DeliveryState[row.deliveryState],
  couponId: row.couponId,
  cancelReason: row.cancelReason === undefined ? undefined : CancelReason[row.cancelReason],
  updateTime: row.updatedAt,
  amount: row.amount ?? 0,
  currency: row.currency ?? '',
  paymentState: row.paymentState === undefined ? PaymentState.PAYMENT_STATE_UNSPECIFIED : PaymentState[row.paymentState],
  paidTime: row.paidAt,
  refundedTime: row.refundedAt,
});

export const myCouponEntryMessage = (entry: MyCouponEntry): MyCouponEntryMessage => ({
  couponId: entry.couponId,
  customerId: entry.customerId,
  action: MyCouponAction[entry.action],
  orderId: entry.orderId,
  discount: entry.discount,
  eventTime: entry.eventTime,
});
