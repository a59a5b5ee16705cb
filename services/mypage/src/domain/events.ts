import type { CancelReason, DeliveryState, OrderState, PaymentState } from './states.js';

/**
 * What the read side learns from the other contexts' events, in its own terms (adapters decode the
 * wire). Every one carries the time it happened in its context, which the view shows.
 */
export type OrderNews =
  | {
      kind: 'OrderPlaced';
      orderId: number;
      customerId: number;
      bookId: number;
      quantity: number;
      couponId: number | undefined;
      amount: number;
      currency: string;
      occurredAt: Date;
    }
  | { kind: 'OrderStateChanged'; orderId: number; state: OrderState; occurredAt: Date }
  | { kind: 'OrderCancelled'; orderId: number; couponId: number | undefined; reason: CancelReason | undefined; occurredAt: Date }
  | { kind: 'DeliveryStateChanged'; orderId: number; state: DeliveryState; occurredAt: Date }
  /** PaymentCompleted (PAID, paidAt), PaymentDeclined, PaymentVoided, PaymentRefunded (refundedAt). */
  | { kind: 'PaymentChanged'; orderId: number; state: PaymentState; paidAt?: Date | undefined; refundedAt?: Date | undefined; occurredAt: Date };

/** BookRegistered or BookUpdated: the name a book has at the catalog's `revision` of it. */
export interface BookNamed {
  bookId: number;
  bookName: string;
  revision: number;
  occurredAt: Date;
}

export interface CustomerRegistered {
  customerId: number;
  customerName: string;
}
