import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, type TestDatabase } from './postgres.js';

/** The two stores every adapter is tested on: a real SQLite file and a real PostgreSQL database. */
export const storeKinds = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof storeKinds)[number];

export async function createTestStore(kind: StoreKind, label: string): Promise<TestDatabase> {
  if (kind === 'postgres') return createPostgresDatabase(label);
  const dir = mkdtempSync(join(tmpdir(), `bookstore-${label}-`));
  return {
    url: `sqlite://${join(dir, `${label}.sqlite`)}`,
    drop: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
