// Hostile input on every admin route, table by table: control characters, absurd numbers and dates,
// huge lists, unknown codes, version numbers beyond PostgreSQL's integer, rule-set content with keys
// missing or added, a backtest over a century, batch sizes of nothing or millions, a shadow run that
// would end in the past. Each is a 400 naming the field, and nothing is stored: no user, version,
// backtest, shadow run or admin event more than before. A database of its own, so the counts are its.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../api/helpers';
import { scratchDatabase, type ScratchDatabase } from '../helpers';

let scratch: ScratchDatabase;
let h: ApiHarness;
let admin: string;
let live: any;
let draftVersion: number;

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_admin_hostile', { migrate: true });
  h = await createApiHarness({ DATABASE_URL: scratch.url });
  admin = await h.token('admin');
  live = (await request(h.app).get('/api/admin/rule-sets/live').set(auth(admin))).body.ruleSet;
  const content = structuredClone(live.content);
  content.scoring.levels.medium -= 100;
  const draft = await request(h.app).post('/api/admin/rule-sets').set(auth(admin)).send({ content, reason: 'a draft to aim at' });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  draftVersion = draft.body.ruleSet.version;
});
afterAll(async () => {
  await h?.close();
  await scratch?.drop();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const TABLES = ['users', 'rule_sets', 'backtests', 'backtest_results', 'shadow_runs', 'admin_events'] as const;

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await h.db(t).count<{ n: string }[]>('* as n'))[0]!.n);
  out.liveVersion = (await h.db('rule_sets').where({ status: 'approved' }).first('version')).version;
  return out;
}

/** The live content with one change made by `edit`. */
function content(edit: (c: any) => void) {
  const c = structuredClone(live.content);
  edit(c);
  return c;
}

/** A body that needs the live content is a function: it is built when the test runs. */
type Case = [name: string, method: 'get' | 'post' | 'patch', path: () => string, body: unknown, field: string | RegExp];

const BEYOND_INT4 = 2_147_483_648;
const from = '2026-11-01T00:00:00.000Z';
const to = '2026-11-02T00:00:00.000Z';
const merchants = (n: number) => Array.from({ length: n }, (_, i) => ({ merchantId: `M-${i}`, reason: 'listed' }));

const cases: Case[] = [
  // users
  ['a username with a space', 'post', () => '/api/admin/users', { username: 'eve smith', displayName: 'Eve', password: 'a-long-enough-password', role: 'analyst' }, 'username'],
  ['a control character in a display name', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve\u0000', password: 'a-long-enough-password', role: 'analyst' }, 'displayName'],
  ['an escape sequence in a display name', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve\u001b[31m', password: 'a-long-enough-password', role: 'analyst' }, 'displayName'],
  ['an unknown role', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve', password: 'a-long-enough-password', role: 'root' }, 'role'],
  ['a password of a megabyte', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve', password: 'x'.repeat(1_000_000), role: 'analyst' }, 'password'],
  ['a key the route does not know', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve', password: 'a-long-enough-password', role: 'analyst', superuser: true }, 'superuser'],
  ['an e-mail that is none', 'post', () => '/api/admin/users', { username: 'eve', displayName: 'Eve', password: 'a-long-enough-password', role: 'analyst', email: 'eve@' }, 'email'],
  ['a role change to an unknown role', 'patch', () => `/api/admin/users/${h.users.analyst}`, { role: 'superuser' }, 'role'],
  ['active as a string', 'patch', () => `/api/admin/users/${h.users.analyst}`, { active: 'false' }, 'active'],
  ['a username of 65 characters', 'patch', () => `/api/admin/users/${'a'.repeat(65)}`, { active: false }, 'username'],
  ['a NUL in the username of the path', 'patch', () => `/api/admin/users/eve%00`, { active: false }, 'path'],
  ['a password too short to reset to', 'post', () => `/api/admin/users/${h.users.analyst}/password`, { password: 'short' }, 'password'],
  ['a trail page of none', 'get', () => '/api/admin/events?limit=0', undefined, 'limit'],
  ['a trail page of billions', 'get', () => '/api/admin/events?limit=99999999999', undefined, 'limit'],
  ['an unknown kind of subject', 'get', () => '/api/admin/events?subjectType=bank', undefined, 'subjectType'],
  ['an unknown kind of step', 'get', () => '/api/admin/events?eventType=user_deleted', undefined, 'eventType'],
  ['an actor of a kilobyte', 'get', () => `/api/admin/events?actor=${'a'.repeat(1024)}`, undefined, 'actor'],
  ['a trail from year 0', 'get', () => '/api/admin/events?from=0000-01-01T00:00:00Z', undefined, 'from'],
  ['a trail that ends before it starts', 'get', () => `/api/admin/events?from=${to}&to=${from}`, undefined, 'to'],
  ['a trail page beyond ten million', 'get', () => '/api/admin/events?offset=99999999999', undefined, 'offset'],
  ['a trail CSV of an unknown kind of step', 'get', () => '/api/admin/events.csv?eventType=everything', undefined, 'eventType'],
  // rule sets
  ['content without its SLA times', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => delete c.sla), reason: 'missing key' }), 'content.sla'],
  ['content with a key of its own', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.bonus = 1)), reason: 'extra key' }), 'content.bonus'],
  ['a level threshold of a trillion', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.levels.high = 1e12)), reason: 'absurd' }), 'content.scoring.levels.high'],
  ['a negative weight', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.amount.highPoints = -1)), reason: 'absurd' }), 'content.scoring.rules.amount.highPoints'],
  ['a weight as a string', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.amount.highPoints = '8000')), reason: 'type' }), 'content.scoring.rules.amount.highPoints'],
  ['a home country that is no code', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.location.homeCountry = 'Kenya')), reason: 'code' }), 'content.scoring.rules.location.homeCountry'],
  ['an unknown time zone', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.offHours.timeZone = 'Mars/Olympus_Mons')), reason: 'code' }), 'content.scoring.rules.offHours.timeZone'],
  ['an unknown transaction type', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.typeAmount.types = ['teleport'])), reason: 'code' }), /^content\.scoring\.rules\.typeAmount\.types/],
  ['an unknown channel', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.rules.channel.weights.pigeon = { amount: 1, points: 1 })), reason: 'code' }), /^content\.scoring\.rules\.channel\.weights/],
  ['a blacklist of 10 001 merchants', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.blacklist.merchants = merchants(10_001))), reason: 'huge' }), 'content.blacklist.merchants'],
  ['a merchant listed twice', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.blacklist.merchants = [...merchants(2), ...merchants(1)])), reason: 'twice' }), 'content.blacklist.merchants[2].merchantId'],
  ['a blacklist entry with a key of its own', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.blacklist.merchants = [{ merchantId: 'M-1', reason: 'r', owner: 'x' }])), reason: 'extra' }), 'content.blacklist.merchants[0].owner'],
  ['a model version beyond integers', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.anomalyModelVersion = BEYOND_INT4)), reason: 'int4' }), 'content.anomalyModelVersion'],
  ['an SLA of ten thousand years', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.sla.highMs = 3.2e14)), reason: 'absurd' }), 'content.sla.highMs'],
  ['an SLA of a fraction of a millisecond', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.sla.mediumMs = 0.5)), reason: 'absurd' }), 'content.sla.mediumMs'],
  ['a reason of nothing', 'post', () => '/api/admin/rule-sets', () => ({ content: content((c) => (c.scoring.levels.high -= 1)), reason: '' }), 'reason'],
  ['content that is a list', 'post', () => '/api/admin/rule-sets', { content: [], reason: 'list' }, 'content'],
  ['a version beyond integers', 'get', () => `/api/admin/rule-sets/${BEYOND_INT4}`, undefined, 'version'],
  ['a version that is no number', 'post', () => '/api/admin/rule-sets/two/approve', {}, 'version'],
  ['a negative version', 'post', () => '/api/admin/rule-sets/-1/reject', { reason: 'no' }, 'version'],
  ['an approval note of a megabyte', 'post', () => `/api/admin/rule-sets/${draftVersion}/approve`, { note: 'x'.repeat(1_000_000) }, 'note'],
  ['a rejection without a reason', 'post', () => `/api/admin/rule-sets/${draftVersion}/reject`, {}, 'reason'],
  ['a promotion without a reason', 'post', () => `/api/admin/rule-sets/${draftVersion}/promote`, { reason: '' }, 'reason'],
  // backtests
  ['a backtest of a version beyond integers', 'post', () => '/api/admin/backtests', { ruleSetVersion: BEYOND_INT4, from, to }, 'ruleSetVersion'],
  ['a backtest of a model version that is no number', 'post', () => '/api/admin/backtests', { modelVersion: 'latest', from, to }, 'modelVersion'],
  ['a backtest over a century', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from: '1926-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
  ['a backtest from year 0', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from: '0000-01-01T00:00:00Z', to }, 'from'],
  ['a backtest to year 275760', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from, to: '+275760-09-13T00:00:00Z' }, 'to'],
  ['a backtest with a batch of nothing', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from, to, batchSize: 0 }, 'batchSize'],
  ['a backtest with a batch of millions', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from, to, batchSize: 5_000_000 }, 'batchSize'],
  ['a backtest note with a control character', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from, to, note: 'see \u0007' }, 'note'],
  ['a backtest with a key of its own', 'post', () => '/api/admin/backtests', { ruleSetVersion: 1, from, to, priority: 'high' }, 'priority'],
  ['a backtest id that is none', 'get', () => '/api/admin/backtests/42', undefined, 'id'],
  ['a cell of an unknown level', 'get', () => '/api/admin/backtests/00000000-0000-4000-8000-000000000000/transactions?live=purple', undefined, 'live'],
  ['a cell page of millions', 'get', () => '/api/admin/backtests/00000000-0000-4000-8000-000000000000/transactions?limit=5000000', undefined, 'limit'],
  ['a backtest list of none', 'get', () => '/api/admin/backtests?limit=0', undefined, 'limit'],
  // shadow runs
  ['a shadow run that ended yesterday', 'post', () => '/api/admin/shadow-runs', () => ({ ruleSetVersion: draftVersion, endsAt: new Date(Date.now() - 86_400_000).toISOString() }), 'endsAt'],
  ['a shadow run to year 99999', 'post', () => '/api/admin/shadow-runs', () => ({ ruleSetVersion: draftVersion, endsAt: '+099999-01-01T00:00:00Z' }), 'endsAt'],
  ['a shadow run of a version beyond integers', 'post', () => '/api/admin/shadow-runs', { ruleSetVersion: BEYOND_INT4 }, 'ruleSetVersion'],
  ['a shadow run of version 1.5', 'post', () => '/api/admin/shadow-runs', { ruleSetVersion: 1.5 }, 'ruleSetVersion'],
  ['a shadow run id that is none', 'post', () => '/api/admin/shadow-runs/abc/stop', {}, 'id'],
  ['a shadow cell of an unknown level', 'get', () => '/api/admin/shadow-runs/00000000-0000-4000-8000-000000000000/transactions?candidate=purple', undefined, 'candidate'],
  ['a shadow cell page of millions', 'get', () => '/api/admin/shadow-runs/00000000-0000-4000-8000-000000000000/transactions?limit=5000000', undefined, 'limit'],
  ['a shadow cell of a run id that is none', 'get', () => '/api/admin/shadow-runs/abc/transactions', undefined, 'id'],
];

describe('hostile input on the admin routes: 400 naming the field, nothing stored', () => {
  it.each(cases)('%s', async (_name, method, path, body, field) => {
    const before = await counts();
    let req = request(h.app)[method](path()).set(auth(admin));
    if (body !== undefined) req = req.send((typeof body === 'function' ? body() : body) as object);
    const res = await req;
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(400);
    expect(res.body.field, res.body.message).toBeDefined();
    if (typeof field === 'string') expect(res.body.field).toBe(field);
    else expect(res.body.field).toMatch(field);
    expect(res.body.message).toEqual(expect.any(String));
    expect(await counts()).toEqual(before);
  });

  it('a pinned model that does not exist is refused, naming the field, and nothing is stored', async () => {
    const before = await counts();
    const res = await request(h.app).post('/api/admin/rule-sets').set(auth(admin)).send({ content: content((c) => (c.anomalyModelVersion = 4242)), reason: 'a model that is not there' });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/^content\.anomalyModelVersion: anomaly model version 4242 not found/);
    expect(await counts()).toEqual(before);
  });
});
