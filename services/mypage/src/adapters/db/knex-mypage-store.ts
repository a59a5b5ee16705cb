import type { Database, Knex } from '#kit/db/database.js';
import { readPageRequest, toPage, type Page, type PageRequest } from '#kit/db/pagination.js';
import { hotStatements, type HotStatements } from '#kit/db/store-transaction.js';
import { insertOnceSql, upsertSql } from '#kit/db/upsert-sql.js';
import { forgetReplayPosition } from '#kit/events/replay.js';
import type { MyPageStore, MyPageTransaction } from '../../app/ports.js';
import type { BookName } from '../../domain/book-name.js';
import type { CustomerRegistered } from '../../domain/events.js';
import type { MyCouponEntry } from '../../domain/my-coupon.js';
import type { MyPageRow } from '../../domain/my-page-row.js';
import { readHistoryPage, toHistoryPage } from './history-page.js';
import { myPageTables } from './migrations.js';
import {
  myCouponRecord,
  myPageRecord,
  toBookName,
  toMyCouponEntry,
  toMyPageRow,
  type BookNameRecord,
  type MyCouponRecord,
  type MyPageRecord,
} from './rows.js';

/** The read model's tables through knex: a replica's own SQLite file, or PostgreSQL. */
export class KnexMyPageStore implements MyPageStore {
  constructor(private readonly db: Database) {}

  /** The projection's view of a transaction the stream replay opened. */
  within(trx: Knex.Transaction): MyPageTransaction {
    return new KnexMyPageTransaction(trx);
  }

  async myPages(customerId: number | undefined, request: PageRequest): Promise<Page<MyPageRow>> {
    const { limit, afterId } = readPageRequest(request);
    const query = this.db.knex<MyPageRecord>('my_pages').whereNotNull('customer_id').where('order_id', '>', afterId);
    if (customerId !== undefined) void query.where({ customer_id: customerId });
    const records = await query.orderBy('order_id').limit(limit + 1);
    const page = toPage(records.map((record) => ({ id: Number(record.order_id), row: toMyPageRow(record) })), limit);
    return { items: page.items.map((item) => item.row), nextPageToken: page.nextPageToken };
  }

  async customerName(customerId: number): Promise<string | undefined> {
    const record = await this.db.knex<{ customer_id: number; customer_name: string }>('customer_names').where({ customer_id: customerId }).first();
    return record?.customer_name;
  }

  async couponHistory(customerId: number, request: PageRequest): Promise<Page<MyCouponEntry>> {
    const { limit, after } = readHistoryPage(request);
    const query = this.db.knex<MyCouponRecord>('my_coupons').where({ customer_id: customerId });
    if (after !== undefined) {
      const eventTime = new Date(after.eventTimeMs);
      void query.where((later) => {
        void later
          .where('event_time', '>', eventTime)
          .orWhere((sameTime) => void sameTime.where('event_time', '=', eventTime).where('stream_sequence', '>', after.streamSequence));
      });
    }
    const records = await query.orderBy([{ column: 'event_time' }, { column: 'stream_sequence' }]).limit(limit + 1);
    return toHistoryPage(records.map(toMyCouponEntry), limit);
  }

  /** Empties the view and its stream position, so the replay rebuilds it from the start of the stream. */
  async forget(reader: string): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      for (const table of myPageTables) await trx(table).delete();
      await forgetReplayPosition(trx, reader);
    });
  }
}

/**
 * What applying an event does to the read model. Every event of an order reaches these, so they
 * run as the transaction's prepared statements (store-transaction.ts), not through knex.
 */
class KnexMyPageTransaction implements MyPageTransaction {
  private readonly statements: HotStatements;

  constructor(trx: Knex.Transaction) {
    this.statements = hotStatements(trx);
  }

  async row(orderId: number): Promise<MyPageRow | undefined> {
    const [record] = await this.statements.rows<MyPageRecord>('select * from my_pages where order_id = ?', [orderId]);
    return record === undefined ? undefined : toMyPageRow(record);
  }

  async saveRow(row: MyPageRow): Promise<void> {
    await this.upsert('my_pages', 'order_id', myPageRecord(row));
  }

  async rowsOfBook(bookId: number): Promise<MyPageRow[]> {
    const records = await this.statements.rows<MyPageRecord>('select * from my_pages where book_id = ? order by order_id', [bookId]);
    return records.map(toMyPageRow);
  }

  async bookName(bookId: number): Promise<BookName | undefined> {
    const [record] = await this.statements.rows<BookNameRecord>('select * from book_names where book_id = ?', [bookId]);
    return record === undefined ? undefined : toBookName(record);
  }

  async saveBookName(book: BookName): Promise<void> {
    await this.upsert('book_names', 'book_id', { book_id: book.bookId, book_name: book.bookName, revision: book.revision, named_at: book.namedAt });
  }

  async saveCustomer(customer: CustomerRegistered): Promise<void> {
    await this.upsert('customer_names', 'customer_id', { customer_id: customer.customerId, customer_name: customer.customerName });
  }

  async addCouponEntry(entry: MyCouponEntry): Promise<void> {
    const record = myCouponRecord(entry);
    await this.statements.rows(insertOnceSql('my_coupons', 'event_id', Object.keys(record)), Object.values(record));
  }

  private async upsert(table: string, key: string, record: Record<string, unknown>): Promise<void> {
    await this.statements.rows(upsertSql(table, key, Object.keys(record)), Object.values(record));
  }
}
