import pg from 'pg';

/** The server the tests make their databases on; trust or password auth in the URL. */
export const postgresAdminUrl = (): string => process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database for one test run, dropped afterwards. */
export async function createPostgresDatabase(label: string): Promise<TestDatabase> {
  const name = `bookstore_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect().catch((error: unknown) => {
    throw new Error(
      `PostgreSQL is not reachable at ${postgresAdminUrl()} (set TEST_POSTGRES_URL, or run \`make deps\`): ${String(error)}`,
    );
  });
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
