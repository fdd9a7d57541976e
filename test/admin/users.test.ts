// Users administration through the API: create, reset password, change role, disable — each with
// its actor in the append-only admin audit trail; an admin cannot change their own role; a disabled
// user's token stops working at once, and a reset password or a disabled account ends the sessions
// issued before it.
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamHub } from '../../api/stream/hub';
import { createLogger } from '../../observability/logger';
import { createApiHarness, type ApiHarness } from '../api/helpers';
import { createTestApp } from '../helpers/api';
import { eventually } from '../lifecycle/context';

let h: ApiHarness;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness();
  admin = await h.token('admin');
});
afterAll(async () => {
  await h?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const login = (username: string, password: string) => request(h.app).post('/api/auth/login').send({ username, password });

async function trail(subjectId: string) {
  const res = await request(h.app).get(`/api/admin/events?subjectType=user&subjectId=${encodeURIComponent(subjectId)}`).set(auth(admin));
  expect(res.status).toBe(200);
  return (res.body.events as { eventType: string; actor: string; actorRole: string; payload: Record<string, unknown> }[]).reverse();
}

describe('users administration', () => {
  it('an admin creates a user who can then sign in; the trail names the admin', async () => {
    const username = `new-analyst-${Date.now().toString(36)}`;
    const res = await request(h.app)
      .post('/api/admin/users')
      .set(auth(admin))
      .send({ username, displayName: 'New Analyst', password: 'a-long-enough-password', role: 'analyst' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username, displayName: 'New Analyst', role: 'analyst', active: true });
    expect(JSON.stringify(res.body)).not.toContain('a-long-enough-password');
    expect((await login(username, 'a-long-enough-password')).status).toBe(200);
    const stored = await h.db('users').where({ username }).first();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);

    const again = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Again', password: 'a-long-enough-password', role: 'admin' });
    expect(again.status).toBe(409);
    expect((await h.db('users').where({ username }).first()).role).toBe('analyst');

    expect(await trail(username)).toEqual([expect.objectContaining({ eventType: 'user_created', actor: h.users.admin, actorRole: 'admin', payload: expect.objectContaining({ role: 'analyst' }) })]);
  });

  it('an e-mail already in use (in any case) is a 409 naming it, and nothing is stored', async () => {
    const stamp = Date.now().toString(36);
    const first = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username: `mail-a-${stamp}`, displayName: 'A', password: 'a-long-enough-password', role: 'analyst', email: `shared-${stamp}@bank.example` });
    expect(first.status).toBe(201);
    const second = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username: `mail-b-${stamp}`, displayName: 'B', password: 'a-long-enough-password', role: 'analyst', email: `SHARED-${stamp}@bank.example` });
    expect(second.status).toBe(409);
    expect(second.body.field).toBe('email');
    expect(await h.db('users').where({ username: `mail-b-${stamp}` }).first()).toBeUndefined();
    expect(await trail(`mail-b-${stamp}`)).toEqual([]);
  });

  it('names the bad field and changes nothing', async () => {
    const username = `bad-${Date.now().toString(36)}`;
    const short = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'X', password: 'short', role: 'analyst' });
    expect(short.status).toBe(400);
    expect(short.body.field).toBe('password');
    const role = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'X', password: 'a-long-enough-password', role: 'superuser' });
    expect(role.status).toBe(400);
    expect(role.body.field).toBe('role');
    expect(await h.db('users').where({ username }).first()).toBeUndefined();
    const empty = await request(h.app).patch(`/api/admin/users/${h.users.analyst}`).set(auth(admin)).send({});
    expect(empty.status).toBe(400);
  });

  it('only admins change users; compliance reads the list', async () => {
    for (const role of ['analyst', 'senior_analyst', 'compliance'] as const) {
      const res = await request(h.app).post('/api/admin/users').set(auth(await h.token(role))).send({ username: `x-${role}`, displayName: 'X', password: 'a-long-enough-password', role: 'admin' });
      expect(res.status).toBe(403);
    }
    expect((await request(h.app).get('/api/admin/users').set(auth(await h.token('analyst')))).status).toBe(403);
    const list = await request(h.app).get('/api/admin/users').set(auth(await h.token('compliance')));
    expect(list.status).toBe(200);
    expect(list.body.users.map((u: { username: string }) => u.username)).toContain(h.users.analyst);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password/);
  });

  it('resets a password: the old one stops working, the sessions signed in with it end, the new one works', async () => {
    const username = `reset-${Date.now().toString(36)}`;
    await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Reset Me', password: 'the-first-password', role: 'analyst' });
    const before = (await login(username, 'the-first-password')).body.token as string;
    expect((await request(h.app).get('/api/auth/me').set(auth(before))).status).toBe(200);
    const res = await request(h.app).post(`/api/admin/users/${username}/password`).set(auth(admin)).send({ password: 'the-second-password' });
    expect(res.status).toBe(200);
    expect((await login(username, 'the-first-password')).status).toBe(401);
    // a session opened with the old password (by whoever knew it) ends with the reset
    const ended = await request(h.app).get('/api/auth/me').set(auth(before));
    expect(ended.status).toBe(401);
    expect(ended.body.message).toMatch(/password was reset/);
    const after = await login(username, 'the-second-password');
    expect(after.status).toBe(200);
    expect((await request(h.app).get('/api/auth/me').set(auth(after.body.token as string))).status).toBe(200);
    const events = await trail(username);
    expect(events.map((e) => e.eventType)).toEqual(['user_created', 'user_password_reset']);
    expect(JSON.stringify(events)).not.toContain('the-second-password');
    expect((await request(h.app).post('/api/admin/users/nobody-here/password').set(auth(admin)).send({ password: 'the-second-password' })).status).toBe(404);
  });

  it('changes a role, effective on the next request with the same token', async () => {
    const username = `promote-${Date.now().toString(36)}`;
    await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Promote Me', password: 'a-long-enough-password', role: 'analyst' });
    const token = (await login(username, 'a-long-enough-password')).body.token as string;
    expect((await request(h.app).get('/api/admin/users').set(auth(token))).status).toBe(403);
    const res = await request(h.app).patch(`/api/admin/users/${username}`).set(auth(admin)).send({ role: 'compliance' });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('compliance');
    expect((await request(h.app).get('/api/admin/users').set(auth(token))).status).toBe(200);
    expect((await trail(username)).at(-1)).toMatchObject({ eventType: 'user_role_changed', actor: h.users.admin, payload: { from: 'analyst', to: 'compliance' } });
  });

  it("an admin cannot change their own role or disable themselves", async () => {
    const role = await request(h.app).patch(`/api/admin/users/${h.users.admin}`).set(auth(admin)).send({ role: 'senior_analyst' });
    expect(role.status).toBe(403);
    expect(role.body.message).toMatch(/own role/);
    const disable = await request(h.app).patch(`/api/admin/users/${h.users.admin}`).set(auth(admin)).send({ active: false });
    expect(disable.status).toBe(403);
    expect(await h.db('users').where({ username: h.users.admin }).first()).toMatchObject({ role: 'admin', active: true });
    expect(await trail(h.users.admin)).toEqual([]);
  });

  it("disabling an account stops its token at once; re-enabling does not bring that session back", async () => {
    const username = `disable-${Date.now().toString(36)}`;
    await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Disable Me', password: 'a-long-enough-password', role: 'analyst' });
    const token = (await login(username, 'a-long-enough-password')).body.token as string;
    expect((await request(h.app).get('/api/auth/me').set(auth(token))).status).toBe(200);
    const res = await request(h.app).patch(`/api/admin/users/${username}`).set(auth(admin)).send({ active: false });
    expect(res.status).toBe(200);
    expect(res.body.user.active).toBe(false);
    expect((await request(h.app).get('/api/auth/me').set(auth(token))).status).toBe(401);
    expect((await login(username, 'a-long-enough-password')).status).toBe(401);
    await request(h.app).patch(`/api/admin/users/${username}`).set(auth(admin)).send({ active: true });
    // a token that leaked while the account was disabled stays dead: its owner signs in again
    expect((await request(h.app).get('/api/auth/me').set(auth(token))).status).toBe(401);
    const again = await login(username, 'a-long-enough-password');
    expect(again.status).toBe(200);
    expect((await request(h.app).get('/api/auth/me').set(auth(again.body.token as string))).status).toBe(200);
    expect((await trail(username)).map((e) => e.eventType)).toEqual(['user_created', 'user_disabled', 'user_enabled']);
  });

  it("disabling an account or resetting its password ends its open event streams: at once by this API, within a heartbeat when another did it", { timeout: 120_000 }, async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hub = h.app.locals.streamHub as StreamHub;
    try {
      const username = `stream-${Date.now().toString(36)}`;
      await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Watches Streams', password: 'a-long-enough-password', role: 'analyst' });
      const signIn = async (password = 'a-long-enough-password') => (await login(username, password)).body.token as string;
      /** Opens the stream; `ended` settles when the server ends it. */
      const openStream = async (token: string) => {
        const res = await fetch(`${base}/api/stream`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        expect((await reader.read()).value).toContain(`connected as ${username}`);
        let ended = false;
        const done = (async () => {
          while (!(await reader.read()).done);
          ended = true;
        })();
        return { ended: () => ended, done, cancel: () => reader.cancel() };
      };

      const first = await openStream(await signIn());
      const before = hub.size;
      expect((await request(h.app).patch(`/api/admin/users/${username}`).set(auth(admin)).send({ active: false })).status).toBe(200);
      await eventually(async () => (first.ended() ? true : undefined), 'the stream ended by the disabling API', 10_000);
      expect(hub.size).toBe(before - 1);

      await request(h.app).patch(`/api/admin/users/${username}`).set(auth(admin)).send({ active: true });
      const second = await openStream(await signIn());
      expect((await request(h.app).post(`/api/admin/users/${username}/password`).set(auth(admin)).send({ password: 'the-reset-password' })).status).toBe(200);
      await eventually(async () => (second.ended() ? true : undefined), 'the stream ended by the resetting API', 10_000);

      // disabled elsewhere (straight in the database, as another API process would): the next heartbeat ends it
      const third = await openStream(await signIn('the-reset-password'));
      await h.db('users').where({ username }).update({ active: false });
      await eventually(async () => (third.ended() ? true : undefined), 'the stream ended at a heartbeat (disabled elsewhere)', 45_000);

      // the password reset elsewhere (its session generation moved on): the next heartbeat ends it too
      await h.db('users').where({ username }).update({ active: true });
      const fourth = await openStream(await signIn('the-reset-password'));
      await h.db('users').where({ username }).increment('session_generation', 1);
      await eventually(async () => (fourth.ended() ? true : undefined), 'the stream ended at a heartbeat (reset elsewhere)', 45_000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a password is stored as an argon2id hash and is never in the trail or the logs, even at trace level', async () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'trace' }, 'api', { destination: { write: (line: string) => void lines.push(line) } });
    const app = createTestApp({ db: h.db, client: h.temporal, config: h.config }, { logger });
    const username = `secret-${Date.now().toString(36)}`;
    const first = 'first-Secret-0f-the-user';
    const second = 'second-Secret-0f-the-user';
    expect((await request(app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Keeps Secrets', password: first, role: 'analyst' })).status).toBe(201);
    expect((await request(app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: 'Again', password: first, role: 'analyst' })).status).toBe(409);
    expect((await request(app).post(`/api/admin/users/${username}/password`).set(auth(admin)).send({ password: second })).status).toBe(200);
    expect((await request(app).post(`/api/admin/users/${username}/password`).set(auth(admin)).send({ password: 'short-' })).status).toBe(400);
    expect((await request(app).post('/api/auth/login').send({ username, password: first })).status).toBe(401);
    expect((await request(app).post('/api/auth/login').send({ username, password: second })).status).toBe(200);

    const stored = await h.db('users').where({ username }).first();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(lines.length).toBeGreaterThan(5); // the requests were logged
    const logged = lines.join('\n');
    for (const secret of [first, second, 'short-', stored.password_hash]) expect(logged).not.toContain(secret);
    const events = JSON.stringify(await h.db('admin_events').where({ subject_type: 'user', subject_id: username }).select('*'));
    expect(events).toContain('user_password_reset');
    for (const secret of [first, second, stored.password_hash, 'argon2']) expect(events).not.toContain(secret);
  });

  it('the admin trail cannot be rewritten', async () => {
    await expect(h.db('admin_events').update({ actor: 'someone-else' })).rejects.toThrow(/append-only/);
    await expect(h.db('admin_events').delete()).rejects.toThrow(/append-only/);
  });
});
