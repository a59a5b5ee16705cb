import type { CancelReason, DeliveryProgress } from './order.js';

/** What the order context tells the rest of the shop, in its own terms (adapters choose the wire format). */
export type OrderEvent =
  | {
      kind: 'OrderPlaced';
      orderId: number;
      customerId: number;
      bookId: number;
      quantity: number;
      deliveryAddress: string;
      couponId: number | undefined;
      amount: number;
      currency: string;
    }
  | { kind: 'OrderCancelled'; orderId: number; couponId: number | undefined; reason: CancelReason }
  | { kind: 'OrderStateChanged'; orderId: number; state: DeliveryProgress };
