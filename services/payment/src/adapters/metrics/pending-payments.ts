import { backlogGauges, type Backlog } from '#kit/admin/backlog-gauges.js';

const watchPendingBacklog = backlogGauges({
  count: { name: 'bookstore_payments_pending', help: 'Payments PENDING: recorded, not yet charged or declined (the breaker fallback included)' },
  oldestAge: { name: 'bookstore_payments_pending_oldest_age_seconds', help: 'How long the oldest PENDING payment has waited since it was recorded; 0 when none waits' },
});

/** Shows `store`'s PENDING payments on /metrics until the returned function is called. */
export function watchPendingPayments(store: { pendingBacklog(): Promise<Backlog> }): () => void {
  return watchPendingBacklog(store, () => store.pendingBacklog());
}
