import type { CourierState, DeliveryState } from './delivery.js';

/** What delivery tells the rest of the shop, in its own terms (adapters choose the wire format). */
export type DeliveryEvent =
  | { kind: 'DeliveryStarted'; deliveryId: number; orderId: number; state: 'STARTED' }
  | { kind: 'DeliveryStatusChanged'; deliveryId: number; orderId: number; state: CourierState }
  | { kind: 'DeliveryCancelled'; deliveryId: number; orderId: number; state: 'CANCELLED'; previousState: DeliveryState };
