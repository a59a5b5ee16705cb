/** What the coupon context tells the rest of the shop, in its own terms (adapters choose the wire format). */
export type CouponEvent =
  | { kind: 'CouponIssued'; couponId: number; customerId: number; discount: number }
  | { kind: 'CouponUsed'; couponId: number; customerId: number; orderId: number; discount: number }
  | { kind: 'CouponRefunded'; couponId: number; customerId: number; orderId: number; discount: number }
  | {
      kind: 'CouponUseRejected';
      couponId: number;
      customerId: number;
      orderId: number;
      discount: number;
      /** The order holding the coupon; undefined when no order does. */
      usedByOrderId: number | undefined;
    };
