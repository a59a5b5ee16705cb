import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ImmediateSqliteClient } from './sqlite-client.js';

export type { Knex };

// int8 (ids, stock, money in minor units) as numbers: every value the shop stores is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

/** One schema step. Names are prefixed by their owner (`kit/…`, `catalog/…`) and never change. */
export interface Migration {
  name: string;
  up(db: Knex): Promise<void>;
}

export type Dialect = 'postgres' | 'sqlite';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Parses a store URL: `postgres://user@host:5432/db`, `sqlite://relative/or/absolute/path.sqlite`,
 * `sqlite::memory:`. One URL switches a service between the cluster and the embedded store.
 */
export function knexConfigFor(url: string): { config: Knex.Config; dialect: Dialect } {
  if (/^postgres(ql)?:\/\//.test(url)) {
    return {
      dialect: 'postgres',
      config: { client: 'pg', connection: url, pool: { min: 0, max: 10 } },
    };
  }
  if (url.startsWith('sqlite:')) {
    const location = url.replace(/^sqlite:(\/\/)?/, '');
    if (location === '') throw new Error(`DATABASE_URL "${url}" names no file`);
    const filename = location === ':memory:' ? ':memory:' : resolve(location);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    return {
      dialect: 'sqlite',
      config: {
        client: ImmediateSqliteClient as unknown as typeof knexFactory.Client,
        connection: { filename },
        useNullAsDefault: true,
        // One connection, lent in turn (sqlite-client.ts): SQLite has one writer, and transactions
        // queue for it instead of failing with SQLITE_BUSY.
      },
    };
  }
  throw new Error(`DATABASE_URL must start with postgres:// or sqlite:, got "${url}"`);
}

/** Which store `knex` talks to. */
export function dialectOf(knex: Knex): Dialect {
  const client: unknown = knex.client;
  const postgres = typeof client === 'object' && client !== null && 'dialect' in client && client.dialect === 'postgresql';
  return postgres ? 'postgres' : 'sqlite';
}

class ListMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: readonly Migration[]) {}
  getMigrations(): Promise<Migration[]> {
    return Promise.resolve([...this.migrations]);
  }
  getMigrationName(migration: Migration): string {
    return migration.name;
  }
  getMigration(migration: Migration): Promise<Knex.Migration> {
    return Promise.resolve({ up: (db: Knex) => migration.up(db), down: () => Promise.resolve() });
  }
}

/** Opens the store named by `url` and brings its schema up to date (kit tables first). */
export async function openDatabase(url: string, migrations: readonly Migration[]): Promise<Database> {
  const { config, dialect } = knexConfigFor(url);
  const knex = knexFactory(config);
  await migrate(knex, new ListMigrationSource(migrations));
  return { knex, dialect, close: () => knex.destroy() };
}

/** What a replica sees when another one is creating knex's bookkeeping tables or holds its lock. */
function lostTheRace(error: unknown): boolean {
  const text = error instanceof Error ? error.message : '';
  return /Migration table is already locked|knex_migrations.* already exists|duplicate key value violates unique constraint "pg_(type_typname|class_relname)_nsp_index"/.test(text);
}

/**
 * Replicas starting together on one fresh store race for knex's migration lock; the loser waits
 * for the winner instead of crashing (the migrations it would run are then already applied).
 */
async function migrate(knex: Knex, source: ListMigrationSource, attempts = 60): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await knex.migrate.latest({ migrationSource: source });
      return;
    } catch (error) {
      if (!lostTheRace(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
