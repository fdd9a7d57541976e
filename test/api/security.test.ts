// Found item 7: sign-in had no rate limit or lockout and the API sent no security headers. Through
// the real app on the real PostgreSQL: headers, CORS, the per-address rate limit, the per-username
// lockout (shared by two app instances, as by two API processes), logout revoking the token
// everywhere, and failed sign-ins logged without the password and counted.
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockoutMs } from '../../api/auth/lockout';
import { createUser } from '../../api/users/service';
import { createApiMetrics } from '../../observability/metrics';
import { parsePrometheusText } from '../ops/promText';
import { uniqueRef } from '../helpers';
import { createTestApp, type TestAppOptions } from '../helpers/api';
import { createApiHarness, testApiConfig, type ApiHarness } from './helpers';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A second app on the same database and Temporal: what a second API process is. */
function anotherApp(env: Record<string, string> = {}, options: TestAppOptions = {}) {
  return createTestApp({ db: h.db, client: h.temporal, config: testApiConfig(env) }, options);
}

async function newUser(): Promise<{ username: string; password: string }> {
  const username = uniqueRef('sec-user').toLowerCase();
  const password = 'a-long-secret-password';
  await createUser(h.db, { username, displayName: 'Security test', password, role: 'analyst' });
  return { username, password };
}

describe('security headers', () => {
  it('sends helmet headers with a CSP the served UI works under (same-origin scripts, no upgrade to https)', async () => {
    const res = await request(h.app).get('/healthz');
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('allows no other origin by default', async () => {
    const res = await request(h.app).get('/healthz').set('Origin', 'https://elsewhere.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(h.app)
      .options('/api/cases')
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins', async () => {
    const app = anotherApp({ CORS_ALLOWED_ORIGINS: 'https://workbench.bank.example, http://localhost:5173' });
    const allowed = await request(app)
      .options('/api/cases')
      .set('Origin', 'https://workbench.bank.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://workbench.bank.example');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/authorization/i);
    const other = await request(app).get('/healthz').set('Origin', 'https://workbench.bank.example.evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('POST /api/auth/login: rate limit per address', () => {
  it('answers 429 with Retry-After once the address used up its attempts, whatever the username', async () => {
    const metrics = createApiMetrics({ processMetrics: false });
    const app = anotherApp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW: '10m' }, { metrics });
    const { username, password } = await newUser();
    for (let i = 0; i < 3; i++) {
      const res = await request(app).post('/api/auth/login').send({ username: `nobody-${i}-${username}`, password: 'wrong' });
      expect(res.status).toBe(401);
    }
    const limited = await request(app).post('/api/auth/login').send({ username, password });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'too_many_requests' });
    expect(limited.body.message).toMatch(/too many sign-in attempts from this address/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const counted = parsePrometheusText(await metrics.registry.metrics());
    const value = (reason: string) => counted.samples.find((s) => s.name === 'kinga_login_failures_total' && s.labels.reason === reason)?.value;
    expect(value('rate_limited')).toBe(1);
    expect(value('invalid_credentials')).toBe(3);
  });
});

describe('POST /api/auth/login: progressive lockout per username', () => {
  it('grows the lockout with each further failure, up to the ceiling', () => {
    const policy = { threshold: 5, baseMs: 30_000, maxMs: 900_000 };
    expect([1, 4, 5, 6, 7, 8, 9, 10, 20].map((n) => lockoutMs(n, policy))).toEqual([0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  });

  it('locks a username after the threshold on every API process, refuses even the right password, and opens again when the time is up', async () => {
    const env = { LOGIN_LOCKOUT_THRESHOLD: '3', LOGIN_LOCKOUT_BASE: '1m', LOGIN_LOCKOUT_MAX: '10m' };
    const first = anotherApp(env);
    const second = anotherApp(env);
    const { username, password } = await newUser();
    // failures spread over two processes count together
    expect((await request(first).post('/api/auth/login').send({ username, password: 'guess-1' })).status).toBe(401);
    expect((await request(second).post('/api/auth/login').send({ username, password: 'guess-2' })).status).toBe(401);
    expect((await request(first).post('/api/auth/login').send({ username, password: 'guess-3' })).status).toBe(401);

    const locked = await request(second).post('/api/auth/login').send({ username, password });
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(new RegExp(`too many failed sign-ins for ${username}; try again in \\d+ s`));
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const row = await h.db('login_failures').where({ username }).first();
    expect(row.failures).toBe(3);

    // an unknown username locks the same way (a lockout says nothing about who exists)
    const ghost = `ghost-${username}`;
    for (let i = 0; i < 3; i++) await request(first).post('/api/auth/login').send({ username: ghost, password: 'x' });
    expect((await request(first).post('/api/auth/login').send({ username: ghost, password: 'x' })).status).toBe(429);

    // the lockout's time passes (moved rather than waited for): one more failure locks for twice as long
    await h.db('login_failures').where({ username }).update({ locked_until: new Date(Date.now() - 1000) });
    expect((await request(first).post('/api/auth/login').send({ username, password: 'guess-4' })).status).toBe(401);
    const again = await h.db('login_failures').where({ username }).first();
    expect(again.failures).toBe(4);
    const lockMs = new Date(again.locked_until).getTime() - new Date(again.last_failure_at).getTime();
    expect(lockMs).toBe(120_000);

    // time passes again; the right password now signs in and forgets the failures
    await h.db('login_failures').where({ username }).update({ locked_until: new Date(Date.now() - 1000) });
    const ok = await request(second).post('/api/auth/login').send({ username, password });
    expect(ok.status).toBe(200);
    expect(await h.db('login_failures').where({ username }).first()).toBeUndefined();
  });

  it('logs a refused sign-in with the username and never the password, and counts it', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const metrics = createApiMetrics({ processMetrics: false });
    const app = anotherApp({}, { logger: pino({ level: 'info' }, sink), metrics });
    const { username } = await newUser();
    const secret = 'Sup3r-secret-guess-that-must-not-leak';
    const res = await request(app).post('/api/auth/login').send({ username, password: secret });
    expect(res.status).toBe(401);
    const refused = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'sign-in refused');
    expect(refused).toMatchObject({ username, failures: 1 });
    expect(lines.join('\n')).not.toContain(secret);
    const counted = parsePrometheusText(await metrics.registry.metrics());
    expect(counted.samples.find((s) => s.name === 'kinga_login_failures_total' && s.labels.reason === 'invalid_credentials')?.value).toBe(1);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the token on every API process; other sessions of the same user stay valid', async () => {
    const other = anotherApp();
    const { username, password } = await newUser();
    const a = (await request(h.app).post('/api/auth/login').send({ username, password })).body.token as string;
    const b = (await request(h.app).post('/api/auth/login').send({ username, password })).body.token as string;
    expect((await request(other).get('/api/auth/me').set('authorization', `Bearer ${a}`)).status).toBe(200);

    const out = await request(h.app).post('/api/auth/logout').set('authorization', `Bearer ${a}`);
    expect(out.status).toBe(204);
    for (const app of [h.app, other]) {
      const res = await request(app).get('/api/auth/me').set('authorization', `Bearer ${a}`);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized', message: 'the token was revoked by a logout' });
      expect((await request(app).get('/api/auth/me').set('authorization', `Bearer ${b}`)).status).toBe(200);
    }
    // a revoked token cannot sign out again, nor open a stream
    expect((await request(other).post('/api/auth/logout').set('authorization', `Bearer ${a}`)).status).toBe(401);
    expect((await request(other).post('/api/stream/ticket').set('authorization', `Bearer ${a}`)).status).toBe(401);
    const row = await h.db('revoked_tokens').where({ username }).first();
    expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('needs a token', async () => {
    const res = await request(h.app).post('/api/auth/logout');
    expect(res.status).toBe(401);
  });
});
