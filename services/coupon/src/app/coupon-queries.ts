import { checkId, optionalId } from '#kit/domain/ids.js';
import { notFound } from '#kit/domain/errors.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Coupon } from '../domain/coupon.js';
import type { CouponStore } from './ports.js';

/** What anyone may read: a coupon (PlaceOrder checks one this way), or a customer's coupons. */
export class CouponQueries {
  constructor(private readonly store: CouponStore) {}

  async coupon(id: number): Promise<Coupon> {
    const coupon = await this.store.coupon(checkId('id', id));
    if (coupon === undefined) throw notFound('coupon', id);
    return coupon;
  }

  /** customerId 0 means every customer. */
  async coupons(customerId: number, page: PageRequest): Promise<Page<Coupon>> {
    return this.store.coupons(optionalId('customerId', customerId), page);
  }
}
