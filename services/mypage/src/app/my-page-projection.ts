import { nameBook } from '../domain/book-name.js';
import type { BookNamed, CustomerRegistered, OrderNews } from '../domain/events.js';
import type { MyCouponEntry } from '../domain/my-coupon.js';
import { applyOrderNews, withBookName, type MyPageRow } from '../domain/my-page-row.js';
import type { MyPageTransaction } from './ports.js';

/**
 * The read side's policies (DOMAIN.md, MyPage): every event changes the view on its own, whatever
 * has or has not arrived before it, so no event waits for another (see README.md, "Event order").
 */
export class MyPageProjection {
  async whenOrderNews(tx: MyPageTransaction, news: OrderNews): Promise<void> {
    const changed = applyOrderNews(await tx.row(news.orderId), news);
    if (changed === undefined) return;
    await tx.saveRow(await this.named(tx, changed));
  }

  /** A book's name fills in, or renames, every row of the book. */
  async whenBookNamed(tx: MyPageTransaction, named: BookNamed): Promise<void> {
    const book = nameBook(await tx.bookName(named.bookId), named);
    if (book === undefined) return;
    await tx.saveBookName(book);
    for (const row of await tx.rowsOfBook(book.bookId)) {
      const renamed = withBookName(row, book);
      if (renamed !== undefined) await tx.saveRow(renamed);
    }
  }

  async whenCustomerRegistered(tx: MyPageTransaction, customer: CustomerRegistered): Promise<void> {
    await tx.saveCustomer(customer);
  }

  async whenCouponEvent(tx: MyPageTransaction, entry: MyCouponEntry): Promise<void> {
    await tx.addCouponEntry(entry);
  }

  /** A row whose book became known takes the name the view already has for it. */
  private async named(tx: MyPageTransaction, row: MyPageRow): Promise<MyPageRow> {
    if (row.bookId === undefined || row.bookName !== undefined) return row;
    const book = await tx.bookName(row.bookId);
    return (book === undefined ? undefined : withBookName(row, book)) ?? row;
  }
}
