import { notFound } from '#kit/domain/errors.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Order } from '../domain/order.js';
import { checkId, optionalId } from '#kit/domain/ids.js';
import type { OrderStore } from './ports.js';

/** What anyone may read: one order, or orders a page at a time, optionally of one customer. */
export class OrderQueries {
  constructor(private readonly store: OrderStore) {}

  async order(id: number): Promise<Order> {
    const order = await this.store.order(checkId('id', id));
    if (order === undefined) throw notFound('order', id);
    return order;
  }

  /** customerId 0 means every customer. */
  async orders(customerId: number, page: PageRequest): Promise<Page<Order>> {
    return await this.store.orders({ customerId: optionalId('customerId', customerId) }, page);
  }
}
