import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { NewEvent } from '#kit/events/event.js';
import type { CustomerStore, CustomerTransaction } from '../../app/ports.js';
import type { Customer } from '../../domain/customer.js';
import type { CustomerEvent } from '../../domain/events.js';
import { toNewEvent } from '../events/outgoing.js';
import { toCustomer, type CustomerRow } from './rows.js';

/** The customers table through knex, on PostgreSQL or SQLite. */
export class KnexCustomerStore extends OutboxStore<KnexCustomerTransaction> implements CustomerStore {
  override within(trx: Knex.Transaction): KnexCustomerTransaction {
    return new KnexCustomerTransaction(trx, this.db.dialect);
  }

  async customer(id: number): Promise<Customer | undefined> {
    const row = await this.db.knex<CustomerRow>('customers').where({ id }).first();
    return row === undefined ? undefined : toCustomer(row);
  }

  customers(request: PageRequest): Promise<Page<Customer>> {
    return pageById(this.db.knex<CustomerRow>('customers'), request, toCustomer);
  }
}

class KnexCustomerTransaction extends OutboxTransaction<CustomerEvent> implements CustomerTransaction {
  protected override toNewEvent(event: CustomerEvent): NewEvent {
    return toNewEvent(event);
  }

  async addCustomer(customer: Pick<Customer, 'name' | 'email'>, now: Date): Promise<Customer> {
    const [row] = await this.trx<CustomerRow>('customers')
      .insert({ name: customer.name, email: customer.email ?? null, created_at: now, updated_at: now })
      .returning('*');
    if (row === undefined) throw new Error('insert into customers returned no row');
    return toCustomer(row);
  }
}
