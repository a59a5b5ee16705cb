import type { Migration } from '../db/database.js';
import { requestKeyMigration } from '../db/request-keys.js';

export const outboxTable = 'kit_outbox';
export const processedEventsTable = 'kit_processed_events';

/** The kit's tables (outbox, processed events, create request keys); a service lists these before its own migrations. */
export const eventMigrations: Migration[] = [
  {
    name: 'kit/outbox',
    async up(db) {
      await db.schema.createTable(outboxTable, (table) => {
        table.increments('sequence').primary();
        table.string('event_id', 36).notNullable();
        table.string('subject', 255).notNullable();
        table.binary('payload').notNullable();
        table.text('headers').notNullable();
      });
    },
  },
  {
    name: 'kit/processed-events',
    async up(db) {
      await db.schema.createTable(processedEventsTable, (table) => {
        table.string('consumer', 255).notNullable();
        table.string('event_id', 36).notNullable();
        table.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
        table.primary(['consumer', 'event_id']);
      });
    },
  },
  {
    // For pruning: a consumer deletes its rows older than its retention (processed-events.ts).
    name: 'kit/processed-events-by-age',
    async up(db) {
      await db.schema.alterTable(processedEventsTable, (table) => {
        table.index(['consumer', 'processed_at'], 'kit_processed_events_by_age');
      });
    },
  },
  requestKeyMigration,
  {
    // The trace context of the transaction that recorded the event, so its publish span continues
    // that trace (event-spans.ts); null for rows recorded before.
    name: 'kit/outbox-trace-context',
    async up(db) {
      await db.schema.alterTable(outboxTable, (table) => {
        table.text('trace_context').nullable();
      });
    },
  },
];
