import { invalid, notFound } from '#kit/domain/errors.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Customer } from '../domain/customer.js';
import type { CustomerStore } from './ports.js';

/** What anyone may read: customers, one or a page at a time. */
export class CustomerQueries {
  constructor(private readonly store: CustomerStore) {}

  async customer(id: number): Promise<Customer> {
    if (!Number.isSafeInteger(id) || id <= 0) throw invalid('id', 'must be an id > 0');
    const customer = await this.store.customer(id);
    if (customer === undefined) throw notFound('customer', id);
    return customer;
  }

  customers(page: PageRequest): Promise<Page<Customer>> {
    return this.store.customers(page);
  }
}
