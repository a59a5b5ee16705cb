import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { orderIdAttribute, type Trace, type TraceSpan } from './trace-api.js';

/** Spans kept at most: the oldest go first (make load makes hundreds a second). */
const defaultMaxSpans = 200_000;

interface SpanRow {
  span: string;
}

/**
 * The local mesh's spans in one SQLite file: each span as the API gives it (JSON), indexed by trace
 * and by the order it is about, so an order's traces come back whole.
 */
export class TraceStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, string | null, number, string]>;
  private readonly tracesOfOrder: Database.Statement<[string], { trace_id: string }>;
  private readonly spansOfTrace: Database.Statement<[string], SpanRow>;
  private readonly prune: Database.Statement<[number]>;

  constructor(file: string, private readonly maxSpans = defaultMaxSpans) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      create table if not exists spans (
        trace_id text not null,
        span_id text not null,
        order_id text,
        start_unix_ms real not null,
        span text not null,
        primary key (trace_id, span_id)
      );
      create index if not exists spans_by_order on spans (order_id) where order_id is not null;
    `);
    this.insert = this.db.prepare('insert or replace into spans (trace_id, span_id, order_id, start_unix_ms, span) values (?, ?, ?, ?, ?)');
    this.tracesOfOrder = this.db.prepare('select distinct trace_id from spans where order_id = ?');
    this.spansOfTrace = this.db.prepare('select span from spans where trace_id = ? order by start_unix_ms, rowid');
    this.prune = this.db.prepare('delete from spans where rowid <= (select max(rowid) from spans) - ?');
  }

  /** Keeps `spans`; a span sent again (an exporter's retry) replaces its copy. */
  add(spans: readonly TraceSpan[]): void {
    this.db.transaction(() => {
      for (const span of spans) {
        const orderId = span.attributes[orderIdAttribute];
        this.insert.run(span.traceId, span.spanId, orderId === undefined || orderId === null ? null : String(orderId), span.startUnixMs, JSON.stringify(span));
      }
      this.prune.run(this.maxSpans);
    })();
  }

  /** Every trace with a span about order `orderId`, each whole, spans sorted by start; the earliest trace first. */
  tracesOf(orderId: string): Trace[] {
    return this.tracesOfOrder
      .all(orderId)
      .map(({ trace_id: traceId }) => ({ traceId, spans: this.spansOfTrace.all(traceId).map((row) => JSON.parse(row.span) as TraceSpan) }))
      .sort((a, b) => (a.spans[0]?.startUnixMs ?? 0) - (b.spans[0]?.startUnixMs ?? 0));
  }

  close(): void {
    this.db.close();
  }
}
