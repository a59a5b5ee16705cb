/** One order line waiting for, or served from, the stock of one book. */
export type DeliverableState = 'WAITING' | 'PREPARED' | 'CANCELLED';

export interface Deliverable {
  id: number;
  orderId: number;
  bookId: number;
  quantity: number;
  state: DeliverableState;
  createdAt: Date;
  updatedAt: Date;
}

export type NewDeliverable = Pick<Deliverable, 'orderId' | 'bookId' | 'quantity'>;

export interface Cancellation {
  deliverable: Deliverable;
  /** Stock going back to the book: the quantity of a PREPARED deliverable, else 0. */
  returnedStock: number;
}

/** The order was cancelled: a WAITING deliverable stops waiting, a PREPARED one gives its stock back. */
export function cancelDeliverable(deliverable: Deliverable, now: Date): Cancellation {
  if (deliverable.state === 'CANCELLED') return { deliverable, returnedStock: 0 };
  return {
    deliverable: { ...deliverable, state: 'CANCELLED', updatedAt: now },
    returnedStock: deliverable.state === 'PREPARED' ? deliverable.quantity : 0,
  };
}
