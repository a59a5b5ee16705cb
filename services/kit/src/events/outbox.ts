import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { hotStatements } from '../db/store-transaction.js';
import type { NewEvent, ReceivedEvent } from './event.js';
import { storedTrace } from '../telemetry/stored-trace.js';
import { lineageHeaders } from './headers.js';
import { outboxTable } from './migrations.js';

/** A row of the outbox: an event recorded with its state change, waiting for the relay. */
export interface OutboxRow {
  sequence: number;
  event_id: string;
  subject: string;
  payload: Uint8Array;
  /** JSON of the event's headers (see headers.ts), without the id. */
  headers: string;
  /** JSON of the trace context (traceparent, tracestate, baggage) of the transaction that recorded it; null when it had none. */
  trace_context: string | null;
}

/**
 * Records `events` in the caller's transaction, so they are published if and only if the state
 * change that raised them commits, with the trace context of that transaction. `cause` is the event
 * being handled, when there is one.
 * Returns the new event ids, in order.
 */
export async function recordEvents(trx: Knex.Transaction, events: readonly NewEvent[], cause?: ReceivedEvent): Promise<string[]> {
  if (events.length === 0) return [];
  const occurredAt = new Date();
  const traceContext = storedTrace();
  const rows = events.map((event) => {
    const payload = event.type.codec.encode(event.payload).finish();
    return {
      event_id: randomUUID(),
      subject: event.type.routedSubject,
      payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      headers: JSON.stringify(
        lineageHeaders({ event: event.type.name, correlationId: event.correlationId, causationId: cause?.id, occurredAt }),
      ),
      trace_context: traceContext,
    };
  });
  await hotStatements(trx).rows(insertSql(rows.length), rows.flatMap((row) => [row.event_id, row.subject, row.payload, row.headers, row.trace_context]));
  return rows.map((row) => row.event_id);
}

const insertSqls: string[] = [];

/** The insert of `count` outbox rows, a hot statement. */
function insertSql(count: number): string {
  insertSqls[count] ??= `insert into ${outboxTable} (event_id, subject, payload, headers, trace_context) values ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?)').join(', ')}`;
  return insertSqls[count];
}
