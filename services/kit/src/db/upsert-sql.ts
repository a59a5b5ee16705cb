/**
 * `insert ... on conflict (key) do update` of `columns` into `table`, every column but the key
 * taken from the new row, with `?` placeholders in the columns' order: the same statement on
 * PostgreSQL and SQLite, for the kit's prepared statements (store-transaction.ts).
 */
export function upsertSql(table: string, key: string, columns: readonly string[]): string {
  const updates = columns.filter((column) => column !== key).map((column) => `${column} = excluded.${column}`);
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict (${key}) do update set ${updates.join(', ')}`;
}

/** `insert ... on conflict (key) do nothing`: a row whose key is there already is not written again. */
export function insertOnceSql(table: string, key: string, columns: readonly string[]): string {
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict (${key}) do nothing`;
}
