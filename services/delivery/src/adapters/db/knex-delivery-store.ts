import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import type { DeliveryFilter, DeliveryStore, DeliveryTransaction } from '../../app/ports.js';
import type { Delivery, NewDelivery } from '../../domain/delivery.js';
import type { DeliveryEvent } from '../../domain/events.js';
import { toNewEvent } from '../events/outgoing.js';
import { toDelivery, type DeliveryRow } from './rows.js';

/** Delivery's table through knex, on PostgreSQL or SQLite. */
export class KnexDeliveryStore extends OutboxStore<KnexDeliveryTransaction> implements DeliveryStore {
  override within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexDeliveryTransaction {
    return new KnexDeliveryTransaction(trx, this.db.dialect, cause);
  }

  async delivery(id: number): Promise<Delivery | undefined> {
    const row = await this.db.knex<DeliveryRow>('deliveries').where({ id }).first();
    return row === undefined ? undefined : toDelivery(row);
  }

  deliveries(filter: DeliveryFilter, request: PageRequest): Promise<Page<Delivery>> {
    const query = this.db.knex<DeliveryRow>('deliveries');
    if (filter.orderId !== undefined) void query.where({ order_id: filter.orderId });
    if (filter.customerId !== undefined) void query.where({ customer_id: filter.customerId });
    if (filter.states !== undefined) void query.whereIn('state', [...filter.states]);
    return pageById(query, request, toDelivery);
  }
}

export class KnexDeliveryTransaction extends OutboxTransaction<DeliveryEvent> implements DeliveryTransaction {
  protected override toNewEvent(event: DeliveryEvent): NewEvent {
    return toNewEvent(event);
  }

  deliveryForUpdate(id: number): Promise<Delivery | undefined> {
    return this.lockedDelivery('id', id);
  }

  deliveryOfOrderForUpdate(orderId: number): Promise<Delivery | undefined> {
    return this.lockedDelivery('order_id', orderId);
  }

  async addDelivery(delivery: NewDelivery, now: Date): Promise<Delivery> {
    const [row] = await this.statements.rows<DeliveryRow>(
      "insert into deliveries (order_id, customer_id, book_id, quantity, delivery_address, state, start_confirmed_at, created_at, updated_at) values (?, ?, ?, ?, ?, 'READY', null, ?, ?) returning *",
      [delivery.orderId, delivery.customerId, delivery.bookId, delivery.quantity, delivery.deliveryAddress, now, now],
    );
    if (row === undefined) throw new Error('insert into deliveries returned no row');
    return toDelivery(row);
  }

  async saveDelivery(delivery: Delivery): Promise<void> {
    await this.statements.rows('update deliveries set state = ?, start_confirmed_at = ?, updated_at = ? where id = ?', [
      delivery.state,
      delivery.startConfirmedAt ?? null,
      delivery.updatedAt,
      delivery.id,
    ]);
  }

  /** The delivery whose `column` is `value`, locked until the transaction ends; the statements run prepared, as every event of an order reaches them. */
  private async lockedDelivery(column: 'id' | 'order_id', value: number): Promise<Delivery | undefined> {
    const [row] = await this.statements.rows<DeliveryRow>(this.lockingSql(`select * from deliveries where ${column} = ?`), [value]);
    return row === undefined ? undefined : toDelivery(row);
  }
}
