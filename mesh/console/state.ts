import type { Sample } from '#kit/admin/prometheus-text.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the gauges (and the dead-letter counter) of a replica's latest scrape say now. */
export interface State {
  breakers: { callee: string; state: BreakerState }[];
  /** Per durable consumer: messages not yet delivered, and delivered but not acknowledged. */
  consumers: { consumer: string; pending: number; ackPending: number }[];
  outbox: { pending: number; oldestAgeSeconds: number } | null;
  deadLetters: { consumer: string; event: string; count: number }[];
  payments: { pending: number; oldestAgeSeconds: number } | null;
}

const breakerStates: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** The latest scrape's gauges, read by the names of the metrics contract. */
export function stateOf(samples: readonly Sample[]): State {
  const named = (name: string): Sample[] => samples.filter((sample) => sample.name === name);
  const value = (name: string, labels: Readonly<Record<string, string>> = {}): number | undefined =>
    named(name).find((sample) => Object.entries(labels).every(([label, wanted]) => sample.labels[label] === wanted))?.value;
  const pair = (count: string, age: string): { pending: number; oldestAgeSeconds: number } | null => {
    const pending = value(count);
    return pending === undefined ? null : { pending, oldestAgeSeconds: value(age) ?? 0 };
  };
  return {
    breakers: named('bookstore_circuit_breaker_state').map((sample) => ({ callee: sample.labels.callee ?? '', state: breakerStates[sample.value] ?? 'open' })),
    consumers: named('bookstore_consumer_pending_messages').map((sample) => {
      const consumer = sample.labels.consumer ?? '';
      return { consumer, pending: sample.value, ackPending: value('bookstore_consumer_ack_pending_messages', { consumer }) ?? 0 };
    }),
    outbox: pair('bookstore_outbox_pending', 'bookstore_outbox_oldest_age_seconds'),
    deadLetters: named('bookstore_events_dead_lettered_total').map((sample) => ({ consumer: sample.labels.consumer ?? '', event: sample.labels.event ?? '', count: sample.value })),
    payments: pair('bookstore_payments_pending', 'bookstore_payments_pending_oldest_age_seconds'),
  };
}

const worse = (a: BreakerState, b: BreakerState): BreakerState => (breakerStates.indexOf(a) >= breakerStates.indexOf(b) ? a : b);

/**
 * A service's state over its replicas: the worst breaker per callee (each replica has its own);
 * consumer lag, outbox and pending payments are the shared consumer's and store's, so the largest
 * any replica saw; dead letters add up (each replica counts its own).
 */
export function serviceStateOf(states: readonly State[]): State {
  const breakers = new Map<string, BreakerState>();
  const consumers = new Map<string, { consumer: string; pending: number; ackPending: number }>();
  const deadLetters = new Map<string, { consumer: string; event: string; count: number }>();
  for (const state of states) {
    for (const { callee, state: breaker } of state.breakers) breakers.set(callee, worse(breakers.get(callee) ?? 'closed', breaker));
    for (const lag of state.consumers) {
      const seen = consumers.get(lag.consumer);
      consumers.set(lag.consumer, { consumer: lag.consumer, pending: Math.max(seen?.pending ?? 0, lag.pending), ackPending: Math.max(seen?.ackPending ?? 0, lag.ackPending) });
    }
    for (const letter of state.deadLetters) {
      const key = `${letter.consumer} ${letter.event}`;
      deadLetters.set(key, { ...letter, count: (deadLetters.get(key)?.count ?? 0) + letter.count });
    }
  }
  const largest = (pick: (state: State) => State['outbox']): State['outbox'] =>
    states.map(pick).reduce<State['outbox']>((seen, next) => (next === null ? seen : { pending: Math.max(seen?.pending ?? 0, next.pending), oldestAgeSeconds: Math.max(seen?.oldestAgeSeconds ?? 0, next.oldestAgeSeconds) }), null);
  return {
    breakers: [...breakers].map(([callee, state]) => ({ callee, state })).sort((a, b) => a.callee.localeCompare(b.callee)),
    consumers: [...consumers.values()].sort((a, b) => a.consumer.localeCompare(b.consumer)),
    outbox: largest((state) => state.outbox),
    deadLetters: [...deadLetters.values()].filter((letter) => letter.count > 0),
    payments: largest((state) => state.payments),
  };
}
