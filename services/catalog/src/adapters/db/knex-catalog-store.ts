import type { Knex } from '#kit/db/database.js';
import { OutboxStore } from '#kit/db/outbox-store.js';
import { OutboxTransaction } from '#kit/db/outbox-transaction.js';
import { pageById, type Page, type PageRequest } from '#kit/db/pagination.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import type { CatalogStore, CatalogTransaction, DeliverableFilter } from '../../app/ports.js';
import type { Book, NewBook } from '../../domain/book.js';
import type { Deliverable, NewDeliverable } from '../../domain/deliverable.js';
import type { CatalogEvent } from '../../domain/events.js';
import type { NewStockInput, StockInput } from '../../domain/stock-input.js';
import { toNewEvent } from '../events/outgoing.js';
import { bookColumns, toBook, toDeliverable, toStockInput, type BookRow, type DeliverableRow, type StockInputRow } from './rows.js';

/** The catalog's tables through knex, on PostgreSQL or SQLite. */
export class KnexCatalogStore extends OutboxStore<KnexCatalogTransaction> implements CatalogStore {
  override within(trx: Knex.Transaction, cause?: ReceivedEvent): KnexCatalogTransaction {
    return new KnexCatalogTransaction(trx, this.db.dialect, cause);
  }

  async book(id: number): Promise<Book | undefined> {
    const row = await this.db.knex<BookRow>('books').where({ id }).first();
    return row === undefined ? undefined : toBook(row);
  }

  books(request: PageRequest): Promise<Page<Book>> {
    return pageById(this.db.knex<BookRow>('books'), request, toBook);
  }

  async stockInput(id: number): Promise<StockInput | undefined> {
    const row = await this.db.knex<StockInputRow>('stock_inputs').where({ id }).first();
    return row === undefined ? undefined : toStockInput(row);
  }

  stockInputs(bookId: number | undefined, request: PageRequest): Promise<Page<StockInput>> {
    const query = this.db.knex<StockInputRow>('stock_inputs');
    if (bookId !== undefined) void query.where({ book_id: bookId });
    return pageById(query, request, toStockInput);
  }

  deliverables(filter: DeliverableFilter, request: PageRequest): Promise<Page<Deliverable>> {
    const query = this.db.knex<DeliverableRow>('deliverables');
    if (filter.orderId !== undefined) void query.where({ order_id: filter.orderId });
    if (filter.bookId !== undefined) void query.where({ book_id: filter.bookId });
    if (filter.states !== undefined) void query.whereIn('state', [...filter.states]);
    return pageById(query, request, toDeliverable);
  }
}

export class KnexCatalogTransaction extends OutboxTransaction<CatalogEvent> implements CatalogTransaction {
  protected override toNewEvent(event: CatalogEvent): NewEvent {
    return toNewEvent(event);
  }

  async bookForUpdate(id: number): Promise<Book | undefined> {
    const [row] = await this.statements.rows<BookRow>(this.lockingSql(`select ${bookColumns} from books where id = ?`), [id]);
    return row === undefined ? undefined : toBook(row);
  }

  async addBook(book: NewBook, now: Date): Promise<Book> {
    const [row] = await this.statements.rows<BookRow>(
      `insert into books (book_name, stock, price, initial_stock, created_at, updated_at) values (?, ?, ?, ?, ?, ?) returning ${bookColumns}`,
      [book.bookName, book.stock, book.price, book.stock, now, now],
    );
    if (row === undefined) throw new Error('insert into books returned no row');
    return toBook(row);
  }

  async saveBook(book: Book): Promise<void> {
    await this.statements.rows('update books set book_name = ?, stock = ?, price = ?, revision = ?, updated_at = ? where id = ?', [
      book.bookName,
      book.stock,
      book.price,
      book.revision,
      book.updatedAt,
      book.id,
    ]);
  }

  async addStockInput(input: NewStockInput, now: Date): Promise<StockInput> {
    const [row] = await this.trx<StockInputRow>('stock_inputs')
      .insert({ book_id: input.bookId, quantity: input.quantity, in_charger: input.inCharger, created_at: now })
      .returning('*');
    if (row === undefined) throw new Error('insert into stock_inputs returned no row');
    return toStockInput(row);
  }

  async deliverableOfOrder(orderId: number): Promise<Deliverable | undefined> {
    const [row] = await this.statements.rows<DeliverableRow>('select * from deliverables where order_id = ?', [orderId]);
    return row === undefined ? undefined : toDeliverable(row);
  }

  async waitingDeliverables(bookId: number): Promise<Deliverable[]> {
    const rows = await this.trx<DeliverableRow>('deliverables').where({ book_id: bookId, state: 'WAITING' }).orderBy('id');
    return rows.map(toDeliverable);
  }

  async addDeliverable(deliverable: NewDeliverable, now: Date): Promise<Deliverable> {
    const [row] = await this.statements.rows<DeliverableRow>(
      "insert into deliverables (order_id, book_id, quantity, state, created_at, updated_at) values (?, ?, ?, 'WAITING', ?, ?) returning *",
      [deliverable.orderId, deliverable.bookId, deliverable.quantity, now, now],
    );
    if (row === undefined) throw new Error('insert into deliverables returned no row');
    return toDeliverable(row);
  }

  async saveDeliverables(deliverables: readonly Deliverable[]): Promise<void> {
    for (const deliverable of deliverables) {
      await this.statements.rows('update deliverables set state = ?, updated_at = ? where id = ?', [deliverable.state, deliverable.updatedAt, deliverable.id]);
    }
  }
}
