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

/**
 * DROP DATABASE `name` (if it exists), disconnecting whoever still uses it.
 *
 * WITH (FORCE) refuses a role without superuser when a superuser-owned process is connected
 * (SQLSTATE 42501) — and an autovacuum worker that happens to be vacuuming the database is one.
 * A plain DROP DATABASE does stop autovacuum workers itself, so on that refusal the role's own
 * sessions are terminated and the plain form is tried, a few times (a session may be reconnecting).
 */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertName(name);
  await withClient(serverUrl, async (c) => {
    const version = Number((await c.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
    if (version >= 130000) {
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '42501') throw err;
      }
    }
    for (let attempt = 1; ; attempt++) {
      await c.query(
        `SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
          WHERE a.datname = $1 AND a.pid <> pg_backend_pid() AND NOT r.rolsuper`,
        [name],
      );
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}"`);
        return;
      } catch (err) {
        // 55006: still in use by a session that reconnected or has not exited yet
        if ((err as { code?: string }).code !== '55006' || attempt === 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  });
}
