import type { Page, PageRequest } from '#kit/db/pagination.js';
import { invalid } from '#kit/domain/errors.js';
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
    const id = customerId === 0 ? undefined : checkCustomerId(customerId, 'a customer id > 0, or 0 for every customer');
    return await this.store.myPages(id, page);
  }

  async myPage(customerId: number, page: PageRequest): Promise<MyPage> {
    const id = checkCustomerId(customerId, 'a customer id > 0');
    const [customerName, rows] = await Promise.all([this.store.customerName(id), this.store.myPages(id, page)]);
    return { customerId: id, customerName, rows };
  }

  async myCoupons(customerId: number, page: PageRequest): Promise<Page<MyCouponEntry>> {
    return await this.store.couponHistory(checkCustomerId(customerId, 'a customer id > 0'), page);
  }
}

function checkCustomerId(customerId: number, rule: string): number {
  if (!Number.isSafeInteger(customerId) || customerId <= 0) throw invalid('customerId', `must be ${rule}`);
  return customerId;
}
