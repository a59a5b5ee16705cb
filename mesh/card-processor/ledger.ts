import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A charge as the processor keeps it: succeeded (money taken) or declined (nothing taken). */
export interface Charge {
  id: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  /** The merchant's own reference, e.g. the order id. */
  reference: string;
  status: 'succeeded' | 'declined';
  declineReason: string;
  refunded: boolean;
  createdAt: string;
}

export interface Refund {
  id: string;
  chargeId: string;
  idempotencyKey: string;
  amount: number;
  currency: string;
  createdAt: string;
}

interface ChargeRow {
  id: string;
  idempotency_key: string;
  amount: number;
  currency: string;
  reference: string;
  status: 'succeeded' | 'declined';
  decline_reason: string;
  refunded: number;
  created_at: string;
}

interface RefundRow {
  id: string;
  charge_id: string;
  idempotency_key: string;
  amount: number;
  currency: string;
  created_at: string;
}

const toCharge = (row: ChargeRow): Charge => ({
  id: row.id,
  idempotencyKey: row.idempotency_key,
  amount: row.amount,
  currency: row.currency,
  reference: row.reference,
  status: row.status,
  declineReason: row.decline_reason,
  refunded: row.refunded === 1,
  createdAt: row.created_at,
});

const toRefund = (row: RefundRow): Refund => ({
  id: row.id,
  chargeId: row.charge_id,
  idempotencyKey: row.idempotency_key,
  amount: row.amount,
  currency: row.currency,
  createdAt: row.created_at,
});

export type NewCharge = Pick<Charge, 'idempotencyKey' | 'amount' | 'currency' | 'reference' | 'status' | 'declineReason'>;

/**
 * What the processor charged and refunded, in its own SQLite file so it survives a restart. The
 * idempotency key is unique, so one key charges once however often it is sent; a charge is
 * refunded at most once (in full).
 */
export class Ledger {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      create table if not exists charges (
        id text primary key, idempotency_key text not null unique, amount integer not null, currency text not null,
        reference text not null, status text not null, decline_reason text not null, refunded integer not null default 0,
        created_at text not null);
      create table if not exists refunds (
        id text primary key, charge_id text not null unique, idempotency_key text not null unique, amount integer not null,
        currency text not null, created_at text not null);`);
  }

  chargeByKey(idempotencyKey: string): Charge | undefined {
    const row = this.db.prepare<[string], ChargeRow>('select * from charges where idempotency_key = ?').get(idempotencyKey);
    return row === undefined ? undefined : toCharge(row);
  }

  charge(id: string): Charge | undefined {
    const row = this.db.prepare<[string], ChargeRow>('select * from charges where id = ?').get(id);
    return row === undefined ? undefined : toCharge(row);
  }

  /** The charge made with this key: the one made now, or the one an earlier request made. */
  addCharge(charge: NewCharge): { charge: Charge; created: boolean } {
    return this.db.transaction(() => {
      const earlier = this.chargeByKey(charge.idempotencyKey);
      if (earlier !== undefined) return { charge: earlier, created: false };
      const id = `ch_${String(this.count('charges') + 1).padStart(6, '0')}`;
      this.db
        .prepare('insert into charges (id, idempotency_key, amount, currency, reference, status, decline_reason, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, charge.idempotencyKey, charge.amount, charge.currency, charge.reference, charge.status, charge.declineReason, new Date().toISOString());
      return { charge: this.charge(id) as Charge, created: true };
    }).immediate();
  }

  /** The refund of a charge: made now, or the one made before (a charge is refunded once, in full). */
  addRefund(charge: Charge, idempotencyKey: string): { refund: Refund; created: boolean } {
    return this.db.transaction(() => {
      const earlier = this.db.prepare<[string, string], RefundRow>('select * from refunds where charge_id = ? or idempotency_key = ?').get(charge.id, idempotencyKey);
      if (earlier !== undefined) return { refund: toRefund(earlier), created: false };
      const id = `re_${String(this.count('refunds') + 1).padStart(6, '0')}`;
      this.db
        .prepare('insert into refunds (id, charge_id, idempotency_key, amount, currency, created_at) values (?, ?, ?, ?, ?, ?)')
        .run(id, charge.id, idempotencyKey, charge.amount, charge.currency, new Date().toISOString());
      this.db.prepare('update charges set refunded = 1 where id = ?').run(charge.id);
      const row = this.db.prepare<[string], RefundRow>('select * from refunds where id = ?').get(id) as RefundRow;
      return { refund: toRefund(row), created: true };
    }).immediate();
  }

  /** Every succeeded charge and every refund, oldest first. */
  ledger(): { charges: Charge[]; refunds: Refund[] } {
    return {
      charges: this.db.prepare<[], ChargeRow>("select * from charges where status = 'succeeded' order by id").all().map(toCharge),
      refunds: this.db.prepare<[], RefundRow>('select * from refunds order by id').all().map(toRefund),
    };
  }

  close(): void {
    this.db.close();
  }

  private count(table: 'charges' | 'refunds'): number {
    return (this.db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  }
}
