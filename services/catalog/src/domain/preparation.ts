import { takeStock, type Book } from './book.js';
import type { Deliverable } from './deliverable.js';
import type { CatalogEvent } from './events.js';

export interface Preparation {
  book: Book;
  prepared: Deliverable[];
  events: CatalogEvent[];
}

/**
 * Serves a book's WAITING deliverables oldest first while the stock covers them, and stops at the
 * first it does not cover, so a large order is never starved by smaller ones behind it.
 */
export function prepareWaiting(book: Book, waitingOldestFirst: readonly Deliverable[], now: Date): Preparation {
  let current = book;
  const prepared: Deliverable[] = [];
  const events: CatalogEvent[] = [];
  for (const deliverable of waitingOldestFirst) {
    if (deliverable.state !== 'WAITING') continue;
    if (current.stock < deliverable.quantity) break;
    current = takeStock(current, deliverable.quantity, now);
    prepared.push({ ...deliverable, state: 'PREPARED', updatedAt: now });
    events.push({
      kind: 'BookPrepared',
      orderId: deliverable.orderId,
      bookId: deliverable.bookId,
      quantity: deliverable.quantity,
      deliverableId: deliverable.id,
    });
  }
  return { book: current, prepared, events };
}
