import type { Knex } from 'knex';
import { outboxTable } from '#kit/events/migrations.js';
import { eventNameOf } from '#kit/events/routes.js';

/** An event a transaction recorded and the relay has not published yet. */
export interface RecordedEvent {
  /** The event's name, bookstore.<context>.<EventName>, whichever consumers it is routed to. */
  subject: string;
  payload: Uint8Array;
  /** JSON of the event's headers. */
  headers: string;
}

/** The outbox as a store test reads it: what its commands recorded, in recording order. */
export async function recordedEvents(db: Knex): Promise<RecordedEvent[]> {
  const rows = await db<RecordedEvent>(outboxTable).orderBy('sequence').select('subject', 'payload', 'headers');
  return rows.map((row) => ({ ...row, subject: eventNameOf(row.subject) }));
}
