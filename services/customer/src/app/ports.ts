import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { CreateOnce } from '#kit/db/request-keys.js';
import type { Customer } from '../domain/customer.js';
import type { CustomerEvent } from '../domain/events.js';

/** The customer store as its use cases see it, inside one transaction. */
export interface CustomerTransaction {
  addCustomer(customer: Pick<Customer, 'name' | 'email'>, now: Date): Promise<Customer>;
  /** Events leave with the transaction's commit (outbox). */
  record(events: readonly CustomerEvent[]): Promise<void>;
}

export interface CustomerStore {
  transaction<T>(work: (tx: CustomerTransaction) => Promise<T>): Promise<T>;
  /** A create that runs once per requestId; a retry gets what the first one made. */
  createOnce: CreateOnce<CustomerTransaction>;
  customer(id: number): Promise<Customer | undefined>;
  customers(page: PageRequest): Promise<Page<Customer>>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
