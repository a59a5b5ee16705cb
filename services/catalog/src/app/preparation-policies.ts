import { NotYet } from '#kit/events/event.js';
import { returnStock, type Book } from '../domain/book.js';
import { cancelDeliverable } from '../domain/deliverable.js';
import { prepareWaiting } from '../domain/preparation.js';
import type { CatalogTransaction, Clock } from './ports.js';

export interface OrderLine {
  orderId: number;
  bookId: number;
  quantity: number;
}

/**
 * The catalog's policies (DOMAIN.md, Catalog): an order line becomes a deliverable that is prepared
 * from stock oldest first; a stock input serves the waiting ones; a cancellation gives stock back.
 */
export class PreparationPolicies {
  constructor(private readonly clock: Clock) {}

  async whenOrderPlaced(tx: CatalogTransaction, line: OrderLine): Promise<void> {
    if ((await tx.deliverableOfOrder(line.orderId)) !== undefined) return;
    const book = await tx.bookForUpdate(line.bookId);
    // The order service checked the book exists; a book this store has not seen yet is a lagging replica.
    if (book === undefined) throw new NotYet(`book ${line.bookId} of order ${line.orderId} is not in the catalog yet`);
    await tx.addDeliverable(line, this.clock.now());
    await this.serveQueue(tx, book);
  }

  async whenStockInputted(tx: CatalogTransaction, bookId: number): Promise<void> {
    const book = await tx.bookForUpdate(bookId);
    if (book === undefined) throw new NotYet(`book ${bookId} is not in the catalog yet`);
    await this.serveQueue(tx, book);
  }

  async whenOrderCancelled(tx: CatalogTransaction, orderId: number): Promise<void> {
    const seen = await tx.deliverableOfOrder(orderId);
    // OrderCancelled can overtake OrderPlaced on redelivery: wait for the deliverable to exist.
    if (seen === undefined) throw new NotYet(`no deliverable for order ${orderId} yet`);
    const book = await tx.bookForUpdate(seen.bookId);
    if (book === undefined) throw new NotYet(`book ${seen.bookId} is not in the catalog yet`);
    // The book's lock serialises every change to its stock and deliverables: while we waited for it,
    // a stock input may have prepared this deliverable, so decide on what it is now.
    const deliverable = (await tx.deliverableOfOrder(orderId)) ?? seen;
    if (deliverable.state === 'CANCELLED') return;
    const now = this.clock.now();
    const cancellation = cancelDeliverable(deliverable, now);
    await tx.saveDeliverables([cancellation.deliverable]);
    if (cancellation.returnedStock === 0) {
      await this.serveQueue(tx, book);
      return;
    }
    // Stock given back may cover deliverables that were waiting behind this one.
    await this.serveQueue(tx, returnStock(book, cancellation.returnedStock, now), true);
  }

  private async serveQueue(tx: CatalogTransaction, book: Book, bookChanged = false): Promise<void> {
    const preparation = prepareWaiting(book, await tx.waitingDeliverables(book.id), this.clock.now());
    if (preparation.prepared.length > 0) await tx.saveDeliverables(preparation.prepared);
    if (bookChanged || preparation.prepared.length > 0) await tx.saveBook(preparation.book);
    await tx.record(preparation.events);
  }
}
