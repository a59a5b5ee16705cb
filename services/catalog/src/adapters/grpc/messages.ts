import {
  Book as BookMessage,
  Deliverable as DeliverableMessage,
  DeliverableState,
  StockInput as StockInputMessage,
} from '#contracts/catalog/v1/catalog.js';
import { invalid } from '#kit/domain/errors.js';
import type { Book } from '../../domain/book.js';
import type { Deliverable, DeliverableState as State } from '../../domain/deliverable.js';
import type { StockInput } from '../../domain/stock-input.js';

/** Domain objects to and from the catalog's protobuf messages. */
export const bookMessage = (book: Book): BookMessage => ({
  id: book.id,
  bookName: book.bookName,
  stock: book.stock,
  price: book.price,
  initialStock: book.initialStock,
  createTime: book.createdAt,
  updateTime: book.updatedAt,
});

export const stockInputMessage = (input: StockInput): StockInputMessage => ({
  id: input.id,
  bookId: input.bookId,
  quantity: input.quantity,
  inCharger: input.inCharger,
  createTime: input.createdAt,
});

export const deliverableMessage = (deliverable: Deliverable): DeliverableMessage => ({
  id: deliverable.id,
  orderId: deliverable.orderId,
  bookId: deliverable.bookId,
  quantity: deliverable.quantity,
  state: DeliverableState[deliverable.state],
  createTime: deliverable.createdAt,
  updateTime: deliverable.updatedAt,
});

const domainStates: Record<number, State | undefined> = {
  [DeliverableState.WAITING]: 'WAITING',
  [DeliverableState.PREPARED]: 'PREPARED',
  [DeliverableState.CANCELLED]: 'CANCELLED',
};

export function deliverableStates(states: readonly DeliverableState[]): State[] {
  return states.map((state) => {
    const domainState = domainStates[state];
    if (domainState === undefined) throw invalid('states', 'must be WAITING, PREPARED or CANCELLED');
    return domainState;
  });
}
