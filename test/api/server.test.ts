// Probes, request ids, the JSON 404, and the API process: startApi on a free port, its JWT secret
// file, and a clean close.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import knex from 'knex';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveJwtSecret, startApi } from '../../api/server';
import { createTestApp } from '../helpers/api';
import { createApiHarness, testApiConfig, type ApiHarness } from './helpers';

let h: ApiHarness;
const tmpDirs: string[] = [];
const silent = pino({ level: 'silent' });
const quietKnex = { warn() {}, error() {}, debug() {}, deprecate() {} };

function tmpDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-api-test-'));
  tmpDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('probes', () => {
  it('GET /healthz answers without a token', async () => {
    const res = await request(h.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when PostgreSQL and Temporal answer', async () => {
    const res = await request(h.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
  });

  it('GET /readyz is 503 naming whichever does not answer', async () => {
    const deadDb = knex({ client: 'pg', connection: 'postgres://kinga:kinga@127.0.0.1:1/nothing', log: quietKnex });
    const deadConnection = await Connection.connect({ address: h.config.temporal.address });
    const liveTemporal = h.temporal;
    const deadTemporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }), namespace: 'default' });
    try {
      const noDb = createTestApp({ db: deadDb, client: liveTemporal, config: h.config });
      const res1 = await request(noDb).get('/readyz');
      expect(res1.status).toBe(503);
      expect(res1.body).toMatchObject({ status: 'unavailable', message: 'not ready: database does not answer', checks: { database: { ok: false }, temporal: { ok: true } } });

      const neither = createTestApp({ db: deadDb, client: deadTemporal, config: h.config });
      const res2 = await request(neither).get('/readyz');
      expect(res2.status).toBe(503);
      expect(res2.body.message).toBe('not ready: database and temporal do not answer');
      expect(res2.body.checks.temporal.error).toEqual(expect.any(String));
    } finally {
      await deadDb.destroy();
      await deadConnection.close();
      await deadTemporal.connection.close().catch(() => undefined);
    }
  });
});

describe('request ids and unknown routes', () => {
  it('echoes an incoming X-Request-Id, generates one otherwise, and replaces one that is not an id', async () => {
    const given = await request(h.app).get('/healthz').set('x-request-id', 'client-abc.123');
    expect(given.headers['x-request-id']).toBe('client-abc.123');
    const generated = await request(h.app).get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await request(h.app).get('/healthz').set('x-request-id', 'a b {"forged": true}');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await request(h.app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body).toEqual({ error: 'not_found', message: 'no route for GET /api/nothing-here' });
  });
});

describe('JWT secret', () => {
  it('is generated once into <dataDir>/jwt-secret with mode 0600 and reused', async () => {
    const dataDir = tmpDataDir();
    const config = testApiConfig({ KINGA_DATA_DIR: dataDir });
    config.api = { ...config.api, jwtSecret: undefined };
    const first = await resolveJwtSecret(config, silent);
    const second = await resolveJwtSecret(config, silent);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    const stat = fs.statSync(path.join(dataDir, 'jwt-secret'));
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('is required in production', async () => {
    const config = { ...testApiConfig(), env: 'production' as const };
    config.api = { ...config.api, jwtSecret: undefined };
    await expect(resolveJwtSecret(config, silent)).rejects.toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
  });
});

describe('startApi', () => {
  it('refuses to start without DATABASE_URL', async () => {
    const config = testApiConfig();
    config.database = { ...config.database, url: undefined };
    await expect(startApi(config, { logger: silent })).rejects.toThrow(/DATABASE_URL: is required/);
  });

  it('listens on a free port, keeps sessions valid across a restart, and closes cleanly', async () => {
    const dataDir = tmpDataDir();
    const config = testApiConfig({ KINGA_DATA_DIR: dataDir });
    config.api = { ...config.api, jwtSecret: undefined, port: 0 };

    const first = await startApi(config, { logger: silent });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: h.users.analyst, password: h.password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    await first.close();
    await first.close(); // idempotent
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();

    const second = await startApi(config, { logger: silent });
    try {
      const me = await fetch(`${second.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('lets a request in flight finish when closing', async () => {
    const config = testApiConfig();
    config.api = { ...config.api, port: 0 };
    const api = await startApi(config, { logger: silent });
    // A sign-in whose body arrives in two parts: the server is mid-request when close() starts.
    const body = JSON.stringify({ username: h.users.analyst, password: h.password });
    const { port } = new URL(api.url);
    const answered = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/auth/login', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 150));
    const closed = api.close();
    expect(await answered).toBe(200);
    await closed;
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  });
});
