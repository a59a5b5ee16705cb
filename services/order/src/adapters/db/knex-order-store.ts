import type { Database, Knex } from '#kit/db/database.js';
import { readPageRequest, toPage, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { recordEvents } from '#kit/events/outbox.js';
import type { OrderFilter, OrderStore, OrderTransaction } from '../../app/ports.js';
import type { OrderEvent } from '../../domain/events.js';
import type { NewOrder, Order } from '../../domain/order.js';
import { toNewEvent } from '../events/outgoing.js';
import { toOrder, type OrderRow } from './rows.js';

/** The orders table through knex, on PostgreSQL or SQLite. */
export class KnexOrderStore implements OrderStore {
  constructor(
    private readonly db: Database,
    /** Called after a commit that recorded events, so the relay publishes them at once. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  async transaction<T>(work: (tx: OrderTransaction) => Promise<T>): Promise<T> {
    const tx = await this.db.knex.transaction(async (trx) => {
      const orderTx = this.within(trx);
      return { result: await work(orderTx), recorded: orderTx.recorded };
    });
    if (tx.recorded) this.onEventsCommitted();
    return tx.result;
  }

  /** The use cases' view of a transaction someone else opened (an event consumer's). */
  within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexOrderTransaction {
    return new KnexOrderTransaction(trx, this.db.dialect === 'postgres', cause);
  }

  async order(id: number): Promise<Order | undefined> {
    const row = await this.db.knex<OrderRow>('orders').where({ id }).first();
    return row === undefined ? undefined : toOrder(row);
  }

  async orders(filter: OrderFilter, request: PageRequest): Promise<Page<Order>> {
    const { limit, afterId } = readPageRequest(request);
    const query = this.db.knex<OrderRow>('orders').where('id', '>', afterId);
    if (filter.customerId !== undefined) void query.where({ customer_id: filter.customerId });
    const rows = await query.orderBy('id').limit(limit + 1);
    return toPage(rows.map(toOrder), limit);
  }
}

export class KnexOrderTransaction implements OrderTransaction {
  recorded = false;

  constructor(
    private readonly trx: Knex.Transaction,
    private readonly rowLocks: boolean,
    private readonly cause: ReceivedEvent | undefined,
  ) {}

  async orderForUpdate(id: number): Promise<Order | undefined> {
    const query = this.trx<OrderRow>('orders').where({ id });
    // SQLite has one writer at a time, so the transaction itself is the lock there.
    const row = await (this.rowLocks ? query.forUpdate() : query).first();
    return row === undefined ? undefined : toOrder(row);
  }

  async addOrder(order: NewOrder, now: Date): Promise<Order> {
    const [row] = await this.trx<OrderRow>('orders')
      .insert({
        customer_id: order.customerId,
        book_id: order.bookId,
        quantity: order.quantity,
        delivery_address: order.deliveryAddress,
        coupon_id: order.couponId ?? null,
        state: 'ORDERED',
        cancel_reason: null,
        created_at: now,
        updated_at: now,
      })
      .returning('*');
    if (row === undefined) throw new Error('insert into orders returned no row');
    return toOrder(row);
  }

  async saveOrder(order: Order): Promise<void> {
    await this.trx('orders')
      .where({ id: order.id })
      .update({ state: order.state, cancel_reason: order.cancelReason ?? null, updated_at: order.updatedAt });
  }

  async record(events: readonly OrderEvent[]): Promise<void> {
    if (events.length === 0) return;
    await recordEvents(this.trx, events.map(toNewEvent), this.cause);
    this.recorded = true;
  }
}
