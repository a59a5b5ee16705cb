import type { Database, Knex } from '#kit/db/database.js';
import { readPageRequest, toPage, type Page, type PageRequest } from '#kit/db/pagination.js';
import { recordEvents } from '#kit/events/outbox.js';
import type { CustomerStore, CustomerTransaction } from '../../app/ports.js';
import type { Customer } from '../../domain/customer.js';
import type { CustomerEvent } from '../../domain/events.js';
import { toNewEvent } from '../events/outgoing.js';
import { toCustomer, type CustomerRow } from './rows.js';

/** The customers table through knex, on PostgreSQL or SQLite. */
export class KnexCustomerStore implements CustomerStore {
  constructor(
    private readonly db: Database,
    /** Called after a commit that recorded events, so the relay publishes them at once. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  async transaction<T>(work: (tx: CustomerTransaction) => Promise<T>): Promise<T> {
    const tx = await this.db.knex.transaction(async (trx) => {
      const customerTx = new KnexCustomerTransaction(trx);
      return { result: await work(customerTx), recorded: customerTx.recorded };
    });
    if (tx.recorded) this.onEventsCommitted();
    return tx.result;
  }

  async customer(id: number): Promise<Customer | undefined> {
    const row = await this.db.knex<CustomerRow>('customers').where({ id }).first();
    return row === undefined ? undefined : toCustomer(row);
  }

  async customers(request: PageRequest): Promise<Page<Customer>> {
    const { limit, afterId } = readPageRequest(request);
    const rows = await this.db.knex<CustomerRow>('customers').where('id', '>', afterId).orderBy('id').limit(limit + 1);
    return toPage(rows.map(toCustomer), limit);
  }
}

class KnexCustomerTransaction implements CustomerTransaction {
  recorded = false;

  constructor(private readonly trx: Knex.Transaction) {}

  async addCustomer(customer: Pick<Customer, 'name' | 'email'>, now: Date): Promise<Customer> {
    const [row] = await this.trx<CustomerRow>('customers')
      .insert({ name: customer.name, email: customer.email ?? null, created_at: now, updated_at: now })
      .returning('*');
    if (row === undefined) throw new Error('insert into customers returned no row');
    return toCustomer(row);
  }

  async record(events: readonly CustomerEvent[]): Promise<void> {
    if (events.length === 0) return;
    await recordEvents(this.trx, events.map(toNewEvent));
    this.recorded = true;
  }
}
