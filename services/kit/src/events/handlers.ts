import type { Knex } from 'knex';
import { isEvent, type EventType, type ReceivedEvent } from './event.js';

/** What a consumer does with one event, in the transaction that records the event as handled. */
export type EventHandler<T> = (event: ReceivedEvent<T>, trx: Knex.Transaction) => Promise<void>;

/** One row of a consumer's table: an event and its handler. */
export interface EventHandling {
  type: EventType<unknown>;
  handle: EventHandler<unknown>;
}

/** A row of the table: `on(orderEvents.OrderPlaced, (event, trx) => …)`, the payload typed as the event's. */
export function on<T>(type: EventType<T>, handle: EventHandler<T>): EventHandling {
  return {
    type,
    handle: (event, trx) => (isEvent(event, type) ? handle(event, trx) : Promise.reject(new Error(`${event.subject} reached the handler of ${type.subject}`))),
  };
}

/** A consumer's events and its handler, as the kit's consumers and replays take them. */
export interface EventHandlers {
  /** The subscriptions: exactly the events of the table. */
  events: readonly EventType<unknown>[];
  /** Runs the table's handler of the event's type. */
  handle: EventHandler<unknown>;
}

/** A table that cannot be served: a row without a handler, or an event with two. */
export class EventTableError extends Error {
  constructor(consumer: string, problem: string) {
    super(`event table of ${consumer}: ${problem}`);
    this.name = 'EventTableError';
  }
}

/**
 * A consumer's one table of event -> handler, from which its subscriptions follow. Built when the
 * service starts, so a row without a handler (an event subscribed to and never handled) or an event
 * listed twice stops the start instead of being passed over at run time.
 */
export function eventHandlers(consumer: string, table: readonly EventHandling[]): EventHandlers {
  const bySubject = new Map<string, EventHandler<unknown>>();
  for (const row of table as readonly Partial<EventHandling>[]) {
    const subject = row.type?.subject ?? 'an event with no type';
    if (typeof row.handle !== 'function') throw new EventTableError(consumer, `${subject} has no handler`);
    if (bySubject.has(subject)) throw new EventTableError(consumer, `${subject} is listed twice`);
    bySubject.set(subject, row.handle);
  }
  return {
    events: table.map((row) => row.type),
    handle: (event, trx) => {
      const handle = bySubject.get(event.subject);
      if (handle === undefined) return Promise.reject(new EventTableError(consumer, `no handler for ${event.subject}`));
      return handle(event, trx);
    },
  };
}
