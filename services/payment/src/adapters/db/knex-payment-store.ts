import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import { asNumber, asOptionalDate } from '#kit/db/columns.js';
import type { Backlog } from '#kit/admin/backlog-gauges.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import { orderIdAttribute } from '#kit/telemetry/spans.js';
import { inStoredTrace, storedTrace } from '#kit/telemetry/stored-trace.js';
import type { DueOrder, PaymentStore, PaymentTransaction } from '../../app/ports.js';
import type { PaymentEvent } from '../../domain/events.js';
import type { NewPayment, Payment } from '../../domain/payment.js';
import { toNewEvent } from '../events/outgoing.js';
import { addPaymentSql, savePaymentSql, savePaymentValues, toPayment, type PaymentRow } from './rows.js';

/** The payments table through knex, on PostgreSQL or SQLite. */
export class KnexPaymentStore extends OutboxStore<KnexPaymentTransaction> implements PaymentStore {
  override within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexPaymentTransaction {
    return new KnexPaymentTransaction(trx, this.db.dialect, cause);
  }

  async payment(id: number): Promise<Payment | undefined> {
    const row = await this.db.knex<PaymentRow>('payments').where({ id }).first();
    return row === undefined ? undefined : toPayment(row);
  }

  payments(orderId: number | undefined, request: PageRequest): Promise<Page<Payment>> {
    const query = this.db.knex<PaymentRow>('payments');
    if (orderId !== undefined) void query.where({ order_id: orderId });
    return pageById(query, request, toPayment);
  }

  async dueOrders(now: Date, limit: number): Promise<DueOrder[]> {
    const rows = await this.db
      .knex<PaymentRow>('payments')
      .where((due) => {
        void due.where({ state: 'PENDING' }).andWhere('next_attempt_at', '<=', now);
      })
      .orWhere({ refund_due: true })
      .orderBy('id')
      .limit(limit)
      .select('order_id', 'trace_context');
    return rows.map((row) => {
      const orderId = asNumber(row.order_id);
      return {
        orderId,
        inItsTrace: (work) => inStoredTrace('settle payment', row.trace_context ?? null, { [orderIdAttribute]: String(orderId) }, work),
      };
    });
  }

  /** How many payments are PENDING and since when the oldest, for the payment gauges (pending-payments.ts). */
  async pendingBacklog(): Promise<Backlog> {
    const row = await this.db.knex('payments').where({ state: 'PENDING' }).count({ pending: '*' }).min({ oldest: 'created_at' }).first();
    return { count: asNumber(row?.pending ?? 0), oldestAt: asOptionalDate(row?.oldest)?.getTime() };
  }
}

export class KnexPaymentTransaction extends OutboxTransaction<PaymentEvent> implements PaymentTransaction {
  protected override toNewEvent(event: PaymentEvent): NewEvent {
    return toNewEvent(event);
  }

  async paymentOfOrderForUpdate(orderId: number): Promise<Payment | undefined> {
    const [row] = await this.statements.rows<PaymentRow>(this.lockingSql('select * from payments where order_id = ?'), [orderId]);
    return row === undefined ? undefined : toPayment(row);
  }

  /** On PostgreSQL an uncommitted payment of the same order is waited for, then this insert writes nothing. */
  async addPayment(payment: NewPayment, nextAttemptAt: Date, now: Date): Promise<Payment | undefined> {
    const [row] = await this.statements.rows<PaymentRow>(addPaymentSql, [payment.orderId, payment.customerId, payment.amount, payment.currency, false, nextAttemptAt, now, now, storedTrace()]);
    return row === undefined ? undefined : toPayment(row);
  }

  async savePayment(payment: Payment): Promise<void> {
    await this.statements.rows(savePaymentSql, savePaymentValues(payment));
  }
}
