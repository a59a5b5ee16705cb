import { notFound } from '#kit/domain/errors.js';
import { checkId, optionalId } from '#kit/domain/ids.js';
import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { Book } from '../domain/book.js';
import type { Deliverable } from '../domain/deliverable.js';
import type { StockInput } from '../domain/stock-input.js';
import type { CatalogStore, DeliverableFilter } from './ports.js';

/** What anyone may read: books, stock inputs, deliverables. */
export class CatalogQueries {
  constructor(private readonly store: CatalogStore) {}

  async book(id: number): Promise<Book> {
    const book = await this.store.book(checkId('id', id));
    if (book === undefined) throw notFound('book', id);
    return book;
  }

  books(page: PageRequest): Promise<Page<Book>> {
    return this.store.books(page);
  }

  stockInputs(bookId: number, page: PageRequest): Promise<Page<StockInput>> {
    return this.store.stockInputs(optionalId('bookId', bookId), page);
  }

  deliverables(filter: DeliverableFilter, page: PageRequest): Promise<Page<Deliverable>> {
    return this.store.deliverables(
      {
        orderId: optionalId('orderId', filter.orderId),
        bookId: optionalId('bookId', filter.bookId),
        states: filter.states?.length === 0 ? undefined : filter.states,
      },
      page,
    );
  }
}
