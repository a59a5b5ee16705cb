import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Delivery, DeliveryState, NewDelivery } from '../domain/delivery.js';
import type { DeliveryEvent } from '../domain/events.js';

/** Delivery's store as its use cases see it, inside one transaction. */
export interface DeliveryTransaction {
  /** The delivery, locked against concurrent changes (a courier, another replica) until the transaction ends. */
  deliveryForUpdate(id: number): Promise<Delivery | undefined>;
  /** The order's delivery, locked the same way. */
  deliveryOfOrderForUpdate(orderId: number): Promise<Delivery | undefined>;
  addDelivery(delivery: NewDelivery, now: Date): Promise<Delivery>;
  saveDelivery(delivery: Delivery): Promise<void>;
  /** Events leave with the transaction's commit (outbox). */
  record(events: readonly DeliveryEvent[]): Promise<void>;
}

export interface DeliveryFilter {
  orderId?: number | undefined;
  customerId?: number | undefined;
  states?: readonly DeliveryState[] | undefined;
}

export interface DeliveryStore {
  transaction<T>(work: (tx: DeliveryTransaction) => Promise<T>): Promise<T>;
  delivery(id: number): Promise<Delivery | undefined>;
  deliveries(filter: DeliveryFilter, page: PageRequest): Promise<Page<Delivery>>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
