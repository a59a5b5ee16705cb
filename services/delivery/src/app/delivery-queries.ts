import { notFound } from '#kit/domain/errors.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Delivery, DeliveryState } from '../domain/delivery.js';
import { checkId, optionalId } from '#kit/domain/ids.js';
import type { DeliveryStore } from './ports.js';

/** A list request as the API gives it: 0 and an empty list mean "any". */
export interface DeliveryListing {
  orderId: number;
  customerId: number;
  states: readonly DeliveryState[];
}

/** What anyone may read: deliveries, one or a page at a time. */
export class DeliveryQueries {
  constructor(private readonly store: DeliveryStore) {}

  async delivery(id: number): Promise<Delivery> {
    const delivery = await this.store.delivery(checkId('id', id));
    if (delivery === undefined) throw notFound('delivery', id);
    return delivery;
  }

  async deliveries(listing: DeliveryListing, page: PageRequest): Promise<Page<Delivery>> {
    return this.store.deliveries(
      {
        orderId: optionalId('orderId', listing.orderId),
        customerId: optionalId('customerId', listing.customerId),
        states: listing.states.length === 0 ? undefined : listing.states,
      },
      page,
    );
  }
}
