// The administration audit trail through the API: filtered by kind of step, actor, subject and
// time, a page at a time with the total; bad filters refused with a 400 naming the field; the same
// selection as CSV; each step in words (a proposal's changes), never a password or its hash.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAdminEvent, recordAdminEvent } from '../../admin/audit';
import { createApiHarness, type ApiHarness } from '../api/helpers';

let h: ApiHarness;
let admin: string;
let compliance: string;
const suffix = Date.now().toString(36);
const created = [`trail-a-${suffix}`, `trail-b-${suffix}`];
let before = '';
let after = '';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const trail = (query: Record<string, string | number>, token = compliance) => request(h.app).get('/api/admin/events').query(query).set(auth(token));

beforeAll(async () => {
  h = await createApiHarness();
  admin = await h.token('admin');
  compliance = await h.token('compliance');
  // the database's clock decides occurred_at: the range is read from it, not from this process
  before = new Date((await h.db.raw<{ rows: { now: Date }[] }>('select now()')).rows[0]!.now).toISOString();
  for (const username of created) {
    const res = await request(h.app).post('/api/admin/users').set(auth(admin)).send({ username, displayName: `Trail ${username}`, password: 'a-trail-password-123', role: 'analyst' });
    expect(res.status).toBe(201);
  }
  expect((await request(h.app).patch(`/api/admin/users/${created[0]}`).set(auth(admin)).send({ role: 'senior_analyst' })).status).toBe(200);
  expect((await request(h.app).post(`/api/admin/users/${created[1]}/password`).set(auth(admin)).send({ password: 'the-new-trail-password' })).status).toBe(200);
  expect((await request(h.app).patch(`/api/admin/users/${created[1]}`).set(auth(admin)).send({ active: false })).status).toBe(200);
  // a millisecond on: JavaScript's dates drop PostgreSQL's microseconds
  after = new Date(new Date((await h.db.raw<{ rows: { now: Date }[] }>('select now()')).rows[0]!.now).getTime() + 1).toISOString();
});
afterAll(async () => {
  await h?.close();
});

describe('the administration audit trail', () => {
  it("filters by actor and kind of step, newest first, with each step's actor, role and words", async () => {
    const all = await trail({ actor: h.users.admin });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 5, offset: 0, limit: 200 });
    expect(all.body.events.map((e: any) => [e.eventType, e.subjectId])).toEqual([
      ['user_disabled', created[1]],
      ['user_password_reset', created[1]],
      ['user_role_changed', created[0]],
      ['user_created', created[1]],
      ['user_created', created[0]],
    ]);
    for (const e of all.body.events) expect(e).toMatchObject({ actor: h.users.admin, actorRole: 'admin', subjectType: 'user' });
    expect(all.body.events.map((e: any) => e.summary)).toEqual([
      `Disabled the account of ${created[1]} (their sessions ended at once)`,
      `Reset the password of ${created[1]}`,
      `Changed the role of ${created[0]} from analyst to senior_analyst`,
      `Created user ${created[1]} as analyst (Trail ${created[1]})`,
      `Created user ${created[0]} as analyst (Trail ${created[0]})`,
    ]);
    // what a reset leaves in the trail: that it happened, by whom — never the password or its hash
    expect(JSON.stringify(all.body)).not.toMatch(/a-trail-password-123|the-new-trail-password|argon2/);

    const created1 = await trail({ actor: h.users.admin, eventType: 'user_created' });
    expect(created1.body.total).toBe(2);
    expect(created1.body.events.map((e: any) => e.subjectId)).toEqual([created[1], created[0]]);
    const bySubject = await trail({ subjectType: 'user', subjectId: created[1] });
    expect(bySubject.body.events.map((e: any) => e.eventType)).toEqual(['user_disabled', 'user_password_reset', 'user_created']);
    expect((await trail({ actor: `nobody-${suffix}` })).body).toMatchObject({ total: 0, events: [] });
    // admins read it too; nobody else
    expect((await trail({ actor: h.users.admin }, admin)).body.total).toBe(5);
    expect((await trail({}, await h.token('analyst'))).status).toBe(403);
    expect((await trail({}, await h.token('senior_analyst'))).status).toBe(403);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    expect((await trail({ actor: h.users.admin, from: before, to: after })).body.total).toBe(5);
    expect((await trail({ actor: h.users.admin, from: after })).body.total).toBe(0);
    expect((await trail({ actor: h.users.admin, to: before })).body.total).toBe(0);
    const lastStep = (await trail({ actor: h.users.admin, limit: 1 })).body.events[0];
    expect((await trail({ actor: h.users.admin, from: lastStep.occurredAt })).body.events.map((e: any) => e.id)).toContain(lastStep.id);
    expect((await trail({ actor: h.users.admin, to: lastStep.occurredAt })).body.events.map((e: any) => e.id)).not.toContain(lastStep.id);
  });

  it('pages: the pages are disjoint, in order, and say the same total', async () => {
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const res = await trail({ actor: h.users.admin, limit: 2, offset });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 5, offset, limit: 2 });
      pages.push(...res.body.events.map((e: any) => e.id));
    }
    expect(pages).toHaveLength(5);
    expect(pages).toEqual([...pages].sort((a, b) => b - a));
    expect((await trail({ actor: h.users.admin, offset: 5 })).body).toMatchObject({ total: 5, events: [] });
  });

  it('refuses a bad filter with a 400 naming the field', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ eventType: 'user_deleted' }, 'eventType'],
      [{ subjectType: 'transaction' }, 'subjectType'],
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2026-13-01T00:00:00Z' }, 'to'],
      [{ from: after, to: before }, 'to'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 1001 }, 'limit'],
      [{ offset: -1 }, 'offset'],
      [{ actor: 'x'.repeat(129) }, 'actor'],
    ];
    for (const [query, field] of cases) {
      const res = await trail(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.field, JSON.stringify(query)).toBe(field);
      expect(res.body.message).toMatch(new RegExp(`^${field}: `));
    }
    const csv = await request(h.app).get('/api/admin/events.csv').query({ eventType: 'nothing' }).set(auth(compliance));
    expect(csv.status).toBe(400);
    expect(csv.body.field).toBe('eventType');
  });

  it('downloads the same selection as CSV, every page, in the words of the page', async () => {
    const res = await request(h.app).get('/api/admin/events.csv').query({ actor: h.users.admin }).set(auth(compliance));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('admin-events.csv');
    expect(res.headers['x-truncated']).toBeUndefined();
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('occurred_at,actor,actor_role,event_type,subject_type,subject_id,summary,note,event_id');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain(`${h.users.admin},admin,user_disabled,user,${created[1]},Disabled the account of ${created[1]}`);
    expect(res.text).not.toMatch(/a-trail-password-123|the-new-trail-password|argon2/);
    expect((await request(h.app).get('/api/admin/events.csv').set(auth(await h.token('analyst')))).status).toBe(403);
  });

  it('a note typed by a person cannot become a spreadsheet formula in the CSV', async () => {
    await recordAdminEvent(h.db, { subjectType: 'rule_set', subjectId: '999999', eventType: 'rule_set_rejected', actor: { username: `csv-${suffix}`, role: 'admin' }, note: '=HYPERLINK("http://x")' });
    const res = await request(h.app).get('/api/admin/events.csv').query({ actor: `csv-${suffix}` }).set(auth(compliance));
    expect(res.text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('never records a credential: a payload key that could hold one is refused before anything is written', async () => {
    const actor = { username: `leak-${suffix}`, role: 'admin' };
    await expect(recordAdminEvent(h.db, { subjectType: 'user', subjectId: 'x', eventType: 'user_password_reset', actor, payload: { passwordHash: '$argon2id$...' } })).rejects.toThrow(/must not carry "passwordHash"/);
    await expect(recordAdminEvent(h.db, { subjectType: 'user', subjectId: 'x', eventType: 'user_created', actor, payload: { nested: [{ token: 't' }] } })).rejects.toThrow(/must not carry "token"/);
    expect((await trail({ actor: actor.username })).body.total).toBe(0);
  });
});

describe('each step in words', () => {
  it("a proposal lists its changes: blacklist additions and removals by merchant, settings from → to, the rest counted", () => {
    const proposal = describeAdminEvent({
      subjectType: 'rule_set',
      subjectId: '4',
      eventType: 'rule_set_proposed',
      payload: {
        baseVersion: 3,
        changes: [
          { path: 'scoring.levels.high', from: 8000, to: 7000 },
          { path: 'blacklist.merchants[M-90007]', from: null, to: { merchantId: 'M-90007', merchantName: 'Quick Cash', reason: 'mule account' } },
          { path: 'blacklist.merchants[M-1]', from: { merchantId: 'M-1', reason: 'old' }, to: null },
        ],
      },
    });
    expect(proposal).toBe('Proposed version 4 against live version 3: 3 changes: scoring.levels.high 8000 → 7000; blacklist adds merchant M-90007 (Quick Cash) (mule account); blacklist removes merchant M-1');
    const many = Array.from({ length: 9 }, (_, i) => ({ path: `scoring.rules.r${i}.weight`, from: i, to: i + 1 }));
    expect(describeAdminEvent({ subjectType: 'rule_set', subjectId: '5', eventType: 'rule_set_proposed', payload: { baseVersion: 4, changes: many, promotedFrom: 2 } })).toMatch(
      /^Promoted version 2 as version 5 against live version 4: 9 changes: .*scoring\.rules\.r5\.weight 5 → 6; and 3 more$/,
    );
  });

  it('approvals, backtests and shadow runs say what happened', () => {
    const say = (eventType: string, payload: Record<string, unknown>, subjectId = '7') => describeAdminEvent({ subjectType: 'rule_set', subjectId, eventType, payload });
    expect(say('rule_set_approved', { supersedes: 6 })).toBe('Approved version 7: live from then on, replacing version 6');
    expect(say('rule_set_superseded', { by: 8 })).toBe('Version 7 superseded by version 8');
    expect(say('backtest_started', { ruleSetVersion: 7, modelVersion: null, from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', control: true })).toBe(
      'Started a control run of live rule set 7, transactions from 2026-11-01T00:00:00.000Z to 2026-11-02T00:00:00.000Z',
    );
    expect(say('backtest_completed', { transactions: 120, changed: 9 })).toBe('Backtest completed: 120 transactions re-scored, 9 change level');
    expect(say('shadow_run_started', { ruleSetVersion: 7, endsAt: null })).toBe('Put rule set version 7 in shadow until stopped');
    expect(say('shadow_scoring_failed', { transactionRef: 'T-1' })).toMatch(/^The candidate could not score transaction T-1/);
    // a step this code does not know yet still reads as words, never as nothing
    expect(say('rule_set_archived', {})).toBe('rule set archived (rule set 7)');
  });
});
