import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { CreateOnce } from '#kit/db/request-keys.js';
import type { Book, NewBook } from '../domain/book.js';
import type { Deliverable, DeliverableState, NewDeliverable } from '../domain/deliverable.js';
import type { CatalogEvent } from '../domain/events.js';
import type { NewStockInput, StockInput } from '../domain/stock-input.js';

/** The catalog's store as its use cases see it, inside one transaction. */
export interface CatalogTransaction {
  /** The book, locked against concurrent stock changes until the transaction ends. */
  bookForUpdate(id: number): Promise<Book | undefined>;
  addBook(book: NewBook, now: Date): Promise<Book>;
  saveBook(book: Book): Promise<void>;
  addStockInput(input: NewStockInput, now: Date): Promise<StockInput>;
  deliverableOfOrder(orderId: number): Promise<Deliverable | undefined>;
  /** WAITING deliverables of one book, oldest first. */
  waitingDeliverables(bookId: number): Promise<Deliverable[]>;
  addDeliverable(deliverable: NewDeliverable, now: Date): Promise<Deliverable>;
  saveDeliverables(deliverables: readonly Deliverable[]): Promise<void>;
  /** Events leave with the transaction's commit (outbox), correlated by `correlationId`. */
  record(events: readonly CatalogEvent[]): Promise<void>;
}

export interface DeliverableFilter {
  orderId?: number | undefined;
  bookId?: number | undefined;
  states?: readonly DeliverableState[] | undefined;
}

export interface CatalogStore {
  transaction<T>(work: (tx: CatalogTransaction) => Promise<T>): Promise<T>;
  /** A create that runs once per requestId; a retry gets what the first one made. */
  createOnce: CreateOnce<CatalogTransaction>;
  book(id: number): Promise<Book | undefined>;
  stockInput(id: number): Promise<StockInput | undefined>;
  books(page: PageRequest): Promise<Page<Book>>;
  stockInputs(bookId: number | undefined, page: PageRequest): Promise<Page<StockInput>>;
  deliverables(filter: DeliverableFilter, page: PageRequest): Promise<Page<Deliverable>>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
