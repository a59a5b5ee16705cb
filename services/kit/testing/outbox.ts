import type { Knex } from 'knex';
import { outboxTable } from '#kit/events/migrations.js';

/** An event a transaction recorded and the relay has not published yet. */
export interface RecordedEvent {
  subject: string;
  payload: Uint8Array;
  /** JSON of the event's headers. */
  headers: string;
}

/** The outbox as a store test reads it: what its commands recorded, in recording order. */
export function recordedEvents(db: Knex): Promise<RecordedEvent[]> {
  return db<RecordedEvent>(outboxTable).orderBy('sequence').select('subject', 'payload', 'headers');
}
