import { catalogEvents, orderEvents } from '#contracts/events.js';
import { eventHandlers, on, type EventHandlers } from '#kit/events/handlers.js';
import type { PreparationPolicies } from '../../app/preparation-policies.js';
import type { KnexCatalogStore } from '../db/knex-catalog-store.js';

/** The events the catalog reacts to, and which policy each one drives; its subscriptions follow from it. */
export function catalogEventHandlers(store: KnexCatalogStore, policies: PreparationPolicies): EventHandlers {
  return eventHandlers('catalog', [
    on(orderEvents.OrderPlaced, (event, trx) => {
      const { orderId, bookId, quantity } = event.payload;
      return policies.whenOrderPlaced(store.within(trx, event), { orderId, bookId, quantity });
    }),
    on(orderEvents.OrderCancelled, (event, trx) => policies.whenOrderCancelled(store.within(trx, event), event.payload.orderId)),
    on(catalogEvents.StockInputted, (event, trx) => policies.whenStockInputted(store.within(trx, event), event.payload.bookId)),
  ]);
}
