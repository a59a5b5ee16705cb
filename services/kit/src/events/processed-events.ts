import type { Knex } from 'knex';
import { processedEventsTable } from './migrations.js';

/**
 * Marks event `eventId` processed by consumer `durable` in the handler's transaction; false when it
 * already was (a redelivery), so the handler must be skipped. Inserting first makes a concurrent
 * delivery of the same event wait for this transaction on PostgreSQL instead of handling it too.
 */
export async function claimEvent(trx: Knex.Transaction, durable: string, eventId: string): Promise<boolean> {
  const inserted = await trx(processedEventsTable)
    .insert({ consumer: durable, event_id: eventId })
    .onConflict(['consumer', 'event_id'])
    .ignore()
    .returning('event_id');
  return inserted.length > 0;
}

/** Forgets what consumer `durable` processed, for a read model that rebuilds from the start of the stream. */
export async function forgetProcessedEvents(db: Knex | Knex.Transaction, durable: string): Promise<void> {
  await db(processedEventsTable).where({ consumer: durable }).delete();
}
