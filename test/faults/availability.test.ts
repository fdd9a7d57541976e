// Which database errors mean "unavailable, retry later" (API: 503) and which do not (bad data,
// a constraint): the real errors of node-postgres and knex where they can be provoked here.
import { Client } from '@temporalio/client';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../api/errors';
import { loadConfig } from '../../config';
import { createDb } from '../../db/connection';
import { isDatabaseUnavailable } from '../../db/availability';
import { freePort } from '../../scripts/lib/ports';
import { testDb } from '../helpers';
import { startTestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';

describe('isDatabaseUnavailable', () => {
  it('a refused connection and a pool that cannot get one in time are unavailability', async () => {
    const port = await freePort(); // nothing listens there
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/x`, connectionTimeoutMillis: 2000 });
    const refused = await client.connect().then(() => null, (err: unknown) => err);
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const db = createDb(`postgres://postgres@127.0.0.1:${port}/x`, 1);
    try {
      const viaKnex = await db.raw('select 1').then(() => null, (err: unknown) => err);
      expect(isDatabaseUnavailable(viaKnex)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('a session ended by the server (administrator command) is unavailability; bad data and constraints are not', async () => {
    const db = testDb(2);
    try {
      const badData = await db.raw("select 'x'::int").then(() => null, (err: unknown) => err);
      expect((badData as { code?: string }).code).toBe('22P02');
      expect(isDatabaseUnavailable(badData)).toBe(false);
      const outOfRange = await db.raw("select '0001-01-01'::timestamptz - interval '10000 years'").then(() => null, (err: unknown) => err);
      expect(isDatabaseUnavailable(outOfRange)).toBe(false);

      // a backend terminated the way a fast shutdown terminates it: 57P01 on the victim
      const victim = await db.client.acquireConnection();
      try {
        const { rows } = await victim.query('select pg_backend_pid() as pid');
        const killed = new Promise<unknown>((resolve) => victim.once('error', resolve));
        await db.raw('select pg_terminate_backend(?)', [rows[0].pid]);
        const err = await killed;
        expect(isDatabaseUnavailable(err)).toBe(true);
      } finally {
        await db.client.releaseConnection(victim);
      }
    } finally {
      await db.destroy();
    }
  });

  it('is false for anything that is not an error object', () => {
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(new Error('duplicate key value violates unique constraint'))).toBe(false);
  });
});

describe('the API while PostgreSQL does not answer', () => {
  it('answers 503 with Retry-After (seconds) and the error shape, not 500', async () => {
    const port = await freePort(); // nothing listens there
    const url = `postgres://postgres@127.0.0.1:${port}/kinga`;
    const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789', LOG_LEVEL: 'silent' });
    const db = createDb(url, 1);
    // the login only reads PostgreSQL; the Temporal client is lazy and never connects here
    const testApi = await startTestApi({ db, client: new Client(), config });
    try {
      const res = await jsonClient(() => testApi.baseUrl, {})('POST', '/api/auth/login', { username: 'amina', password: 'kinga-analyst' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
      expect(res.body).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/database is not answering/) });
    } finally {
      await testApi.close();
      await db.destroy();
    }
  });
});
