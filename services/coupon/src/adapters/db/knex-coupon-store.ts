import type { Database, Knex } from '#kit/db/database.js';
import { readPageRequest, toPage, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { recordEvents } from '#kit/events/outbox.js';
import type { CouponStore, CouponTransaction } from '../../app/ports.js';
import type { Coupon, NewCoupon } from '../../domain/coupon.js';
import type { CouponUse } from '../../domain/coupon-use.js';
import type { CouponEvent } from '../../domain/events.js';
import { toNewEvent } from '../events/outgoing.js';
import { toCoupon, toCouponUse, type CouponRow, type CouponUseRow } from './rows.js';

/** The coupon context's tables through knex, on PostgreSQL or SQLite. */
export class KnexCouponStore implements CouponStore {
  constructor(
    private readonly db: Database,
    /** Called after a commit that recorded events, so the relay publishes them at once. */
    private readonly onEventsCommitted: () => void = () => undefined,
  ) {}

  async transaction<T>(work: (tx: CouponTransaction) => Promise<T>): Promise<T> {
    const tx = await this.db.knex.transaction(async (trx) => {
      const couponTx = this.within(trx);
      return { result: await work(couponTx), recorded: couponTx.recorded };
    });
    if (tx.recorded) this.onEventsCommitted();
    return tx.result;
  }

  /** The use cases' view of a transaction someone else opened (an event consumer's). */
  within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexCouponTransaction {
    return new KnexCouponTransaction(trx, this.db.dialect === 'postgres', cause);
  }

  async coupon(id: number): Promise<Coupon | undefined> {
    const row = await this.db.knex<CouponRow>('coupons').where({ id }).first();
    return row === undefined ? undefined : toCoupon(row);
  }

  async coupons(customerId: number | undefined, request: PageRequest): Promise<Page<Coupon>> {
    const { limit, afterId } = readPageRequest(request);
    const query = this.db.knex<CouponRow>('coupons').where('id', '>', afterId);
    if (customerId !== undefined) void query.where({ customer_id: customerId });
    const rows = await query.orderBy('id').limit(limit + 1);
    return toPage(rows.map(toCoupon), limit);
  }
}

export class KnexCouponTransaction implements CouponTransaction {
  recorded = false;

  constructor(
    private readonly trx: Knex.Transaction,
    private readonly rowLocks: boolean,
    private readonly cause: ReceivedEvent | undefined,
  ) {}

  async couponForUpdate(id: number): Promise<Coupon | undefined> {
    const query = this.trx<CouponRow>('coupons').where({ id });
    // SQLite has one writer at a time, so the transaction itself is the lock there.
    const row = await (this.rowLocks ? query.forUpdate() : query).first();
    return row === undefined ? undefined : toCoupon(row);
  }

  async addCoupon(coupon: NewCoupon, now: Date): Promise<Coupon> {
    const [row] = await this.trx<CouponRow>('coupons')
      .insert({ customer_id: coupon.customerId, discount: coupon.discount, state: 'ISSUED', order_id: null, created_at: now, updated_at: now })
      .returning('*');
    if (row === undefined) throw new Error('insert into coupons returned no row');
    return toCoupon(row);
  }

  async saveCoupon(coupon: Coupon): Promise<void> {
    await this.trx('coupons')
      .where({ id: coupon.id })
      .update({ state: coupon.state, order_id: coupon.orderId ?? null, updated_at: coupon.updatedAt });
  }

  async useOfOrder(orderId: number): Promise<CouponUse | undefined> {
    const row = await this.trx<CouponUseRow>('coupon_uses').where({ order_id: orderId }).first();
    return row === undefined ? undefined : toCouponUse(row);
  }

  async addUse(use: CouponUse, now: Date): Promise<void> {
    await this.trx('coupon_uses').insert({ order_id: use.orderId, coupon_id: use.couponId, state: use.state, created_at: now, updated_at: now });
  }

  async saveUse(use: CouponUse, now: Date): Promise<void> {
    await this.trx('coupon_uses').where({ order_id: use.orderId }).update({ state: use.state, updated_at: now });
  }

  async record(events: readonly CouponEvent[]): Promise<void> {
    if (events.length === 0) return;
    await recordEvents(this.trx, events.map(toNewEvent), this.cause);
    this.recorded = true;
  }
}
