import { decodeJwt, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemoUsers } from '../../api/users/service';
import { createApiHarness, JWT_SECRET, type ApiHarness } from './helpers';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness({ JWT_TTL: '2h' });
});
afterAll(async () => {
  await h?.close();
});

describe('POST /api/auth/login', () => {
  it('signs a user in with an HS256 token carrying the username and role', async () => {
    const before = Date.now();
    const res = await request(h.app).post('/api/auth/login').send({ username: h.users.senior_analyst, password: h.password });
    const after = Date.now();
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ username: h.users.senior_analyst, displayName: 'Test senior_analyst', role: 'senior_analyst' });
    const claims = decodeJwt(res.body.token);
    expect(claims).toMatchObject({ sub: h.users.senior_analyst, role: 'senior_analyst' });
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(claims.exp! * 1000).toBe(expiresAt);
    expect(expiresAt - before).toBeGreaterThan(2 * 3_600_000 - 5_000);
    // issued between `before` and `after` (however long a busy machine took to hash)
    expect(expiresAt - after).toBeLessThanOrEqual(2 * 3_600_000 + 1_000);
    expect(JSON.stringify(res.body)).not.toContain(h.password);
  });

  it('refuses a wrong password and an unknown user with the same generic 401', async () => {
    const wrong = await request(h.app).post('/api/auth/login').send({ username: h.users.analyst, password: 'not-it' });
    const unknown = await request(h.app).post('/api/auth/login').send({ username: `nobody-${h.users.analyst}`, password: 'not-it' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized', message: 'invalid username or password' });
      expect(res.body.token).toBeUndefined();
    }
  });

  it('refuses a deactivated user', async () => {
    const username = `${h.users.analyst}-gone`;
    await h.db('users').insert({ username, display_name: 'Gone', password_hash: (await h.db('users').where({ username: h.users.analyst }).first()).password_hash, role: 'analyst', active: false });
    const res = await request(h.app).post('/api/auth/login').send({ username, password: h.password });
    expect(res.status).toBe(401);
  });

  it('names the missing field', async () => {
    const res = await request(h.app).post('/api/auth/login').send({ username: h.users.analyst });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field: 'password', message: 'password: is required' });
  });

  it('answers malformed JSON with a 400', async () => {
    const res = await request(h.app).post('/api/auth/login').set('content-type', 'application/json').send('{"username": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', field: 'body' });
    const notJson = await request(h.app).post('/api/auth/login').set('content-type', 'text/plain').send('username=amina');
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/^body: is required \(send JSON with Content-Type: application\/json\)/);
  });
});

describe('GET /api/auth/me and tokens', () => {
  it('returns the signed-in user', async () => {
    const res = await request(h.app).get('/api/auth/me').set('authorization', `Bearer ${await h.token('compliance')}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: h.users.compliance, role: 'compliance' });
  });

  it('requires a token', async () => {
    const res = await request(h.app).get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('rejects a token signed with another secret, an expired token and garbage', async () => {
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(h.users.admin)
      .setIssuer('kinga')
      .setAudience('kinga-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-0123456789'));
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(h.users.admin)
      .setIssuer('kinga')
      .setAudience('kinga-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    for (const token of [forged, expired, 'not.a.jwt']) {
      const res = await request(h.app).get('/api/auth/me').set('authorization', `Bearer ${token}`);
      expect(res.status, token).toBe(401);
    }
  });

  it('uses the current role from the database, not the one in an older token', async () => {
    const username = `${h.users.analyst}-promoted`;
    await h.db('users').insert({ username, display_name: 'Promoted', password_hash: (await h.db('users').where({ username: h.users.analyst }).first()).password_hash, role: 'analyst' });
    const login = await request(h.app).post('/api/auth/login').send({ username, password: h.password });
    await h.db('users').where({ username }).update({ role: 'senior_analyst' });
    const me = await request(h.app).get('/api/auth/me').set('authorization', `Bearer ${login.body.token}`);
    expect(me.body.user.role).toBe('senior_analyst');
    await h.db('users').where({ username }).update({ active: false });
    expect((await request(h.app).get('/api/auth/me').set('authorization', `Bearer ${login.body.token}`)).status).toBe(401);
  });
});

describe('demo users', () => {
  it('seeds one user per role (and a second analyst), idempotently, with argon2id hashes', async () => {
    await seedDemoUsers(h.db);
    await seedDemoUsers(h.db);
    const rows = await h.db('users').whereIn('username', DEMO_USERS.map((u) => u.username)).orderBy('username');
    expect(rows.map((r) => [r.username, r.role])).toEqual([
      ['amina', 'analyst'],
      ['baraka', 'senior_analyst'],
      ['chebet', 'compliance'],
      ['daudi', 'admin'],
      ['juma', 'analyst'],
    ]);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const res = await request(h.app).post('/api/auth/login').send({ username: 'chebet', password: 'kinga-compliance' });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('compliance');
  });
});
