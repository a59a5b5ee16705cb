import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { BookName } from '../domain/book-name.js';
import type { CustomerRegistered } from '../domain/events.js';
import type { MyCouponEntry } from '../domain/my-coupon.js';
import type { MyPageRow } from '../domain/my-page-row.js';

/** The read model as the projection sees it, inside the transaction that applies one event. */
export interface MyPageTransaction {
  row(orderId: number): Promise<MyPageRow | undefined>;
  /** Inserts or replaces the row of `row.orderId`. */
  saveRow(row: MyPageRow): Promise<void>;
  rowsOfBook(bookId: number): Promise<MyPageRow[]>;
  bookName(bookId: number): Promise<BookName | undefined>;
  saveBookName(book: BookName): Promise<void>;
  saveCustomer(customer: CustomerRegistered): Promise<void>;
  /** Adds the entry unless an entry of the same event is there already. */
  addCouponEntry(entry: MyCouponEntry): Promise<void>;
}

/** The read model as the queries see it; the projection writes through MyPageTransaction. */
export interface MyPageStore {
  /** Rows OrderPlaced has arrived for, by order id, of one customer or of all. */
  myPages(customerId: number | undefined, page: PageRequest): Promise<Page<MyPageRow>>;
  customerName(customerId: number): Promise<string | undefined>;
  /** One customer's coupon history, oldest first by event time. */
  couponHistory(customerId: number, page: PageRequest): Promise<Page<MyCouponEntry>>;
}
