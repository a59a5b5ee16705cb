import { catalogEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';
import type { CatalogEvent } from '../../domain/events.js';

/** The wire form of the catalog's events; the orderId is the correlation id where there is one. */
export function toNewEvent(event: CatalogEvent): NewEvent {
  const { kind, ...payload } = event;
  const correlationId = event.kind === 'BookPrepared' ? String(event.orderId) : `book-${event.bookId}`;
  return { type: catalogEvents[kind], payload, correlationId };
}
