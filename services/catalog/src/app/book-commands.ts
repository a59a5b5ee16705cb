import { notFound } from '#kit/domain/errors.js';
import { checkId } from '#kit/domain/ids.js';
import { addStock, changeBook, registerBook, type Book, type BookChange, type NewBook } from '../domain/book.js';
import { checkStockInput, type NewStockInput, type StockInput } from '../domain/stock-input.js';
import type { CatalogStore, Clock } from './ports.js';

/** What a book manager does: register books, rename or reprice them, record stock inputs. */
export class BookCommands {
  constructor(
    private readonly store: CatalogStore,
    private readonly clock: Clock,
  ) {}

  createBook(input: NewBook): Promise<Book> {
    const valid = registerBook(input);
    return this.store.transaction(async (tx) => {
      const book = await tx.addBook(valid, this.clock.now());
      await tx.record([
        { kind: 'BookRegistered', bookId: book.id, bookName: book.bookName, price: book.price, stock: book.stock, revision: book.revision },
      ]);
      return book;
    });
  }

  updateBook(id: number, change: BookChange): Promise<Book> {
    return this.store.transaction(async (tx) => {
      const book = await tx.bookForUpdate(checkId('id', id));
      if (book === undefined) throw notFound('book', id);
      const changed = changeBook(book, change, this.clock.now());
      await tx.saveBook(changed);
      await tx.record([
        {
          kind: 'BookUpdated',
          bookId: changed.id,
          bookName: changed.bookName,
          price: changed.price,
          stock: changed.stock,
          revision: changed.revision,
        },
      ]);
      return changed;
    });
  }

  /** Adds the quantity to the book's stock; waiting deliverables are served by the StockInputted policy. */
  inputStock(input: NewStockInput): Promise<StockInput> {
    const valid = checkStockInput(input);
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const book = await tx.bookForUpdate(valid.bookId);
      if (book === undefined) throw notFound('book', valid.bookId);
      const stocked = addStock(book, valid.quantity, now);
      const stockInput = await tx.addStockInput(valid, now);
      await tx.saveBook(stocked);
      await tx.record([
        {
          kind: 'StockInputted',
          stockInputId: stockInput.id,
          bookId: stocked.id,
          quantity: stockInput.quantity,
          inCharger: stockInput.inCharger,
          stock: stocked.stock,
        },
      ]);
      return stockInput;
    });
  }
}
