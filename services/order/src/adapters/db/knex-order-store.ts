import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import type { OrderFilter, OrderStore, OrderTransaction } from '../../app/ports.js';
import type { OrderEvent } from '../../domain/events.js';
import type { Order, PricedOrder } from '../../domain/order.js';
import { toNewEvent } from '../events/outgoing.js';
import { orderColumns, toOrder, type OrderRow } from './rows.js';

/** PlaceOrder's insert, a prepared statement: a new order is ORDERED and its payment PENDING. */
const insertOrderSql = `insert into orders (customer_id, book_id, quantity, delivery_address, coupon_id, request_id, state, unit_price, discount, amount, currency, payment_state, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, 'ORDERED', ?, ?, ?, ?, 'PENDING', ?, ?)
  on conflict (customer_id, request_id) do nothing
  returning ${orderColumns}`;

/** The orders table through knex, on PostgreSQL or SQLite. */
export class KnexOrderStore extends OutboxStore<KnexOrderTransaction> implements OrderStore {
  override within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexOrderTransaction {
    return new KnexOrderTransaction(trx, this.db.dialect, cause);
  }

  async order(id: number): Promise<Order | undefined> {
    const row = await this.db.knex<OrderRow>('orders').where({ id }).first();
    return row === undefined ? undefined : toOrder(row);
  }

  async orderPlacedWith(customerId: number, requestId: string): Promise<Order | undefined> {
    const row = await this.db.knex<OrderRow>('orders').where({ customer_id: customerId, request_id: requestId }).first();
    return row === undefined ? undefined : toOrder(row);
  }

  orders(filter: OrderFilter, request: PageRequest): Promise<Page<Order>> {
    const query = this.db.knex<OrderRow>('orders');
    if (filter.customerId !== undefined) void query.where({ customer_id: filter.customerId });
    return pageById(query, request, toOrder);
  }
}

export class KnexOrderTransaction extends OutboxTransaction<OrderEvent> implements OrderTransaction {
  protected override toNewEvent(event: OrderEvent): NewEvent {
    return toNewEvent(event);
  }

  async orderForUpdate(id: number): Promise<Order | undefined> {
    const [row] = await this.statements.rows<OrderRow>(this.lockingSql(`select ${orderColumns} from orders where id = ?`), [id]);
    return row === undefined ? undefined : toOrder(row);
  }

  async orderPlacedWith(customerId: number, requestId: string): Promise<Order | undefined> {
    const [row] = await this.statements.rows<OrderRow>(`select ${orderColumns} from orders where customer_id = ? and request_id = ?`, [customerId, requestId]);
    return row === undefined ? undefined : toOrder(row);
  }

  /**
   * On a key the customer already used, the unique index refuses the row and nothing is written;
   * on PostgreSQL a placement with that key still uncommitted is waited for first.
   */
  async addOrder(order: PricedOrder, now: Date): Promise<Order | undefined> {
    const [row] = await this.statements.rows<OrderRow>(insertOrderSql, [
      order.customerId,
      order.bookId,
      order.quantity,
      order.deliveryAddress,
      order.couponId ?? null,
      order.requestId ?? null,
      order.unitPrice,
      order.discount,
      order.amount,
      order.currency,
      now,
      now,
    ]);
    return row === undefined ? undefined : toOrder(row);
  }

  async saveOrder(order: Order): Promise<void> {
    await this.statements.rows(
      'update orders set state = ?, cancel_reason = ?, coupon_used_at = ?, delivery_started_at = ?, payment_state = ?, updated_at = ? where id = ?',
      [order.state, order.cancelReason ?? null, order.couponUsedAt ?? null, order.deliveryStartedAt ?? null, order.paymentState, order.updatedAt, order.id],
    );
  }
}
