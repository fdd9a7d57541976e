// Creating and dropping whole databases on a PostgreSQL server (plain pg, no knex): used by the
// harness for the per-run test database and by tests that need one of their own.
import pg from 'pg';

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function assertName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe database name: ${name}`);
}

async function withClient<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** CREATE DATABASE `name` on the server of `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<{ name: string; url: string }> {
  assertName(name);
  await withClient(serverUrl, async (c) => {
    try {
      await c.query(`CREATE DATABASE "${name}"`);
    } catch (err) {
      const e = err as Error & { code?: string };
      const hint = e.code === '42501' ? ' (the role needs the CREATEDB privilege: ALTER ROLE … CREATEDB)' : '';
      throw new Error(`could not create test database ${name}: ${e.message}${hint}`);
    }
  });
  return { name, url: withDatabase(serverUrl, name) };
}

/** DROP DATABASE `name` (if it exists), disconnecting whoever still uses it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertName(name);
  await withClient(serverUrl, async (c) => {
    const version = Number((await c.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
    if (version >= 130000) {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } else {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
    }
  });
}
