import { invalid, precondition } from '#kit/domain/errors.js';
import { checkPrintable } from '#kit/domain/text.js';

/** A book in the catalogue. Stock changes only through stock inputs and deliverables. */
export interface Book {
  id: number;
  bookName: string;
  /** Copies on hand; never negative. */
  stock: number;
  /** Minor units (cents). */
  price: number;
  /** Stock the book was registered with; kept for the stock conservation check. */
  initialStock: number;
  /** Revision of the catalogue entry (name, price): 1 when registered, +1 per change. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewBook = Pick<Book, 'bookName' | 'stock' | 'price'>;

export const BOOK_NAME_MAX = 200;

export function checkBookName(bookName: string): string {
  const trimmed = checkPrintable('bookName', bookName).trim();
  if (trimmed.length === 0) throw invalid('bookName', 'must not be empty');
  if (trimmed.length > BOOK_NAME_MAX) throw invalid('bookName', `must be at most ${BOOK_NAME_MAX} characters`);
  return trimmed;
}

export function checkPrice(price: number): number {
  if (!Number.isSafeInteger(price) || price < 0) throw invalid('price', 'must be a whole number of minor units >= 0');
  return price;
}

export function registerBook(input: NewBook): NewBook {
  if (!Number.isSafeInteger(input.stock) || input.stock < 0) throw invalid('stock', 'must be a whole number >= 0');
  return { bookName: checkBookName(input.bookName), stock: input.stock, price: checkPrice(input.price) };
}

export interface BookChange {
  bookName?: string | undefined;
  price?: number | undefined;
}

/** A book manager renames or reprices a book; stock is not theirs to set here. */
export function changeBook(book: Book, change: BookChange, now: Date): Book {
  if (change.bookName === undefined && change.price === undefined) {
    throw invalid('bookName', 'give bookName or price to change');
  }
  return {
    ...book,
    bookName: change.bookName === undefined ? book.bookName : checkBookName(change.bookName),
    price: change.price === undefined ? book.price : checkPrice(change.price),
    revision: book.revision + 1,
    updatedAt: now,
  };
}

/** Adds a stock input's quantity; a negative correction must be covered by the stock on hand. */
export function addStock(book: Book, quantity: number, now: Date): Book {
  if (!Number.isSafeInteger(quantity) || quantity === 0) throw invalid('quantity', 'must be a non-zero whole number');
  if (book.stock + quantity < 0) {
    throw precondition({ reason: 'STOCK_WOULD_GO_NEGATIVE', facts: { bookId: String(book.id), stock: String(book.stock) } }, `stock of book ${book.id} is ${book.stock}; a correction of ${quantity} would make it negative`);
  }
  return { ...book, stock: book.stock + quantity, updatedAt: now };
}

export function takeStock(book: Book, quantity: number, now: Date): Book {
  return { ...book, stock: book.stock - quantity, updatedAt: now };
}

export function returnStock(book: Book, quantity: number, now: Date): Book {
  return { ...book, stock: book.stock + quantity, updatedAt: now };
}
