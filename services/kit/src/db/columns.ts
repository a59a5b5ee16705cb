/**
 * Column values read back the same on both stores: SQLite (through knex's better-sqlite3 client)
 * keeps timestamps as epoch milliseconds, PostgreSQL returns Date objects.
 */
export function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'string') {
    const date = new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`not a timestamp: ${String(value)}`);
}

/** A nullable timestamp column: undefined where it holds NULL. */
export function asOptionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : asDate(value);
}

/** bigint/numeric columns and aggregates come back as strings from PostgreSQL. */
export function asNumber(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' || typeof value === 'bigint' ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw new Error(`not a whole number: ${String(value)}`);
  return number;
}
