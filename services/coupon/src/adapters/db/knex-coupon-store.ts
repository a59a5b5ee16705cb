import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import type { CouponStore, CouponTransaction } from '../../app/ports.js';
import type { Coupon, NewCoupon } from '../../domain/coupon.js';
import type { CouponUse } from '../../domain/coupon-use.js';
import type { CouponEvent } from '../../domain/events.js';
import { toNewEvent } from '../events/outgoing.js';
import { toCoupon, toCouponUse, type CouponRow, type CouponUseRow } from './rows.js';

/** The coupon context's tables through knex, on PostgreSQL or SQLite. */
export class KnexCouponStore extends OutboxStore<KnexCouponTransaction> implements CouponStore {
  override within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexCouponTransaction {
    return new KnexCouponTransaction(trx, this.db.dialect, cause);
  }

  async coupon(id: number): Promise<Coupon | undefined> {
    const row = await this.db.knex<CouponRow>('coupons').where({ id }).first();
    return row === undefined ? undefined : toCoupon(row);
  }

  coupons(customerId: number | undefined, request: PageRequest): Promise<Page<Coupon>> {
    const query = this.db.knex<CouponRow>('coupons');
    if (customerId !== undefined) void query.where({ customer_id: customerId });
    return pageById(query, request, toCoupon);
  }
}

export class KnexCouponTransaction extends OutboxTransaction<CouponEvent> implements CouponTransaction {
  protected override toNewEvent(event: CouponEvent): NewEvent {
    return toNewEvent(event);
  }

  async couponForUpdate(id: number): Promise<Coupon | undefined> {
    const [row] = await this.statements.rows<CouponRow>(this.lockingSql('select * from coupons where id = ?'), [id]);
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
    await this.statements.rows('update coupons set state = ?, order_id = ?, updated_at = ? where id = ?', [coupon.state, coupon.orderId ?? null, coupon.updatedAt, coupon.id]);
  }

  async useOfOrder(orderId: number): Promise<CouponUse | undefined> {
    const [row] = await this.statements.rows<CouponUseRow>('select * from coupon_uses where order_id = ?', [orderId]);
    return row === undefined ? undefined : toCouponUse(row);
  }

  async addUse(use: CouponUse, now: Date): Promise<void> {
    await this.statements.rows('insert into coupon_uses (order_id, coupon_id, state, created_at, updated_at) values (?, ?, ?, ?, ?)', [use.orderId, use.couponId, use.state, now, now]);
  }

  async saveUse(use: CouponUse, now: Date): Promise<void> {
    await this.statements.rows('update coupon_uses set state = ?, updated_at = ? where order_id = ?', [use.state, now, use.orderId]);
  }
}
