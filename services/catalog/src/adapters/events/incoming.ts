import { catalogEvents, orderEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { PreparationPolicies } from '../../app/preparation-policies.js';
import type { KnexCatalogStore } from '../db/knex-catalog-store.js';

/** The events the catalog reacts to, and which policy each one drives. */
export const catalogSubscriptions: EventType<unknown>[] = [
  orderEvents.OrderPlaced,
  orderEvents.OrderCancelled,
  catalogEvents.StockInputted,
] as EventType<unknown>[];

export function catalogEventHandler(store: KnexCatalogStore, policies: PreparationPolicies) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx, event);
    if (isEvent(event, orderEvents.OrderPlaced)) {
      const { orderId, bookId, quantity } = event.payload;
      await policies.whenOrderPlaced(tx, { orderId, bookId, quantity });
    } else if (isEvent(event, orderEvents.OrderCancelled)) {
      await policies.whenOrderCancelled(tx, event.payload.orderId);
    } else if (isEvent(event, catalogEvents.StockInputted)) {
      await policies.whenStockInputted(tx, event.payload.bookId);
    }
  };
}
