import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { currentCallContext } from '../context/call-context.js';
import type { NewEvent, ReceivedEvent } from './event.js';
import { lineageHeaders, traceparentFor } from './headers.js';
import { outboxTable } from './migrations.js';

/** A row of the outbox: an event recorded with its state change, waiting for the relay. */
export interface OutboxRow {
  sequence: number;
  event_id: string;
  subject: string;
  payload: Uint8Array;
  /** JSON of the event's headers (see headers.ts), without the id. */
  headers: string;
}

/**
 * Records `events` in the caller's transaction, so they are published if and only if the state
 * change that raised them commits. `cause` is the event being handled, when there is one.
 * Returns the new event ids, in order.
 */
export async function recordEvents(trx: Knex.Transaction, events: readonly NewEvent[], cause?: ReceivedEvent): Promise<string[]> {
  if (events.length === 0) return [];
  const occurredAt = new Date();
  const traceparent = traceparentFor(currentCallContext().traceId) ?? cause?.traceparent;
  const rows = events.map((event) => {
    const payload = event.type.codec.encode(event.payload).finish();
    return {
      event_id: randomUUID(),
      subject: event.type.routedSubject,
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      headers: JSON.stringify(
        lineageHeaders({ event: event.type.name, correlationId: event.correlationId, causationId: cause?.id, occurredAt, traceparent }),
      ),
    };
  });
  await trx(outboxTable).insert(rows);
  return rows.map((row) => row.event_id);
}
