import type { Page, PageRequest } from '#kit/db/pagination.js';
import { checkId, optionalId } from '#kit/domain/ids.js';
import type { MyCouponEntry } from '../domain/my-coupon.js';
import type { MyPageRow } from '../domain/my-page-row.js';
import type { MyPageStore } from './ports.js';

export interface MyPage {
  customerId: number;
  /** undefined while the customer is unregistered or CustomerRegistered has not arrived. */
  customerName: string | undefined;
  rows: Page<MyPageRow>;
}

/**
 * What customers read. A customer the view has not seen gets an empty page, not NOT_FOUND: the read
 * side cannot tell "nothing yet" from "not caught up yet", and customers need no registration.
 */
export class MyPageQueries {
  constructor(private readonly store: MyPageStore) {}

  /** Rows of one customer, or of every customer when `customerId` is 0. */
  async myPages(customerId: number, page: PageRequest): Promise<Page<MyPageRow>> {
    return await this.store.myPages(optionalId('customerId', customerId), page);
  }

  async myPage(customerId: number, page: PageRequest): Promise<MyPage> {
    const id = checkId('customerId', customerId);
    const [customerName, rows] = await Promise.all([this.store.customerName(id), this.store.myPages(id, page)]);
    return { customerId: id, customerName, rows };
  }

  async myCoupons(customerId: number, page: PageRequest): Promise<Page<MyCouponEntry>> {
    return await this.store.couponHistory(checkId('customerId', customerId), page);
  }
}
