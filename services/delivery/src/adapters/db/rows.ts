import { asDate, asNumber, asOptionalDate } from '#kit/db/columns.js';
import type { Delivery, DeliveryState } from '../../domain/delivery.js';

export interface DeliveryRow {
  id: number;
  order_id: number;
  customer_id: number;
  book_id: number;
  quantity: number;
  delivery_address: string;
  state: string;
  start_confirmed_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

const deliveryStates: readonly DeliveryState[] = ['READY', 'STARTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'];

export const toDelivery = (row: DeliveryRow): Delivery => {
  const state = deliveryStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`delivery ${row.id} has unknown state "${row.state}"`);
  return {
    id: asNumber(row.id),
    orderId: asNumber(row.order_id),
    customerId: asNumber(row.customer_id),
    bookId: asNumber(row.book_id),
    quantity: asNumber(row.quantity),
    deliveryAddress: row.delivery_address,
    state,
    startConfirmedAt: asOptionalDate(row.start_confirmed_at),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
};
