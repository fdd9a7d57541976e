// Rule sets as data, through the API with a real worker on a real Temporal server: a proposed change
// does nothing until a second person approves it; the proposer cannot approve; the new version is
// used by transactions that start after it and is named in their breakdown; every step is audited.
// A database of its own: approving a version here changes what is live for every transaction in it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, type KingaTestStack } from '../lifecycle/context';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const api = jsonClient(() => baseUrl, tokens);
const run = randomUUID().slice(0, 8);
const transaction = transactionFactory(`RS-${run}`);
const PASSWORD = 'rule-set-test-password';
const users = { admin: `rs-admin-${run}`, admin2: `rs-admin2-${run}`, compliance: `rs-compliance-${run}`, analyst: `rs-analyst-${run}` };
const EVIL = { merchantId: `M-EVIL-${run}`, merchantName: 'Evil Traders Ltd', reason: 'collection account of a reported scam' };

async function routed(txn: ReturnType<typeof transaction>) {
  const res = await api('POST', '/api/transactions', txn, 'analyst');
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const row = await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).first();
    if (row?.score_breakdown && row.status !== 'received') return row;
    if (Date.now() > deadline) throw new Error(`transaction ${txn.transactionRef} was not routed`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_rule_sets', { migrate: true });
  stack = await createTestStack({ DATABASE_URL: scratch.url, ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  await stack.startWorker();
  await createUser(stack.db, { username: users.admin, displayName: 'Admin One', password: PASSWORD, role: 'admin' });
  await createUser(stack.db, { username: users.admin2, displayName: 'Admin Two', password: PASSWORD, role: 'admin' });
  await createUser(stack.db, { username: users.compliance, displayName: 'Compliance', password: PASSWORD, role: 'compliance' });
  await createUser(stack.db, { username: users.analyst, displayName: 'Analyst', password: PASSWORD, role: 'analyst' });
  testApi = await startTestApi(stack, { users: Object.entries(users).map(([as, username]) => ({ username, password: PASSWORD, as })), tokens });
  baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await scratch?.drop();
});

describe('rule sets: four-eyes changes, one version per transaction', () => {
  let live1: any;

  it('seeds version 1 from the environment, and scores name it', async () => {
    const res = await api('GET', '/api/admin/rule-sets/live', undefined, 'compliance');
    expect(res.status).toBe(200);
    live1 = res.body.ruleSet;
    expect(live1).toMatchObject({ version: 1, status: 'approved', proposedBy: 'system:configuration' });
    expect(live1.content.scoring).toEqual(stack.config.scoring);
    expect(live1.content.sla).toEqual(stack.config.sla);

    const row = await routed(transaction({ merchantId: EVIL.merchantId, merchantName: EVIL.merchantName }));
    expect(row.status).toBe('approved');
    expect(row.rule_set_version).toBe(1);
    expect(row.score_breakdown.modelVersion).toMatch(/^rules\/1\+/);
    expect(row.score_breakdown.ruleSetVersion).toBe(1);
  });

  it('refuses content that does not fit, naming the field, and changes nothing', async () => {
    const bad = structuredClone(live1.content);
    bad.scoring.levels.medium = 9000; // above high
    const res = await api('POST', '/api/admin/rule-sets', { content: bad, reason: 'broken' }, 'admin');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('content.scoring.levels.medium');
    const unknown = structuredClone(live1.content);
    unknown.scoring.rules.amount.surprise = 1;
    expect((await api('POST', '/api/admin/rule-sets', { content: unknown, reason: 'unknown key' }, 'admin')).body.field).toBe('content.scoring.rules.amount.surprise');
    const same = await api('POST', '/api/admin/rule-sets', { content: live1.content, reason: 'nothing' }, 'admin');
    expect(same.status).toBe(409);
    expect((await api('POST', '/api/admin/rule-sets', { content: live1.content, reason: 'not mine' }, 'compliance')).status).toBe(403);
    const list = await api('GET', '/api/admin/rule-sets', undefined, 'admin');
    expect(list.body.ruleSets.map((r: any) => r.version)).toEqual([1]);
  });

  it('a preview answers the diff or every bad field, and stores nothing', async () => {
    const counts = async () => ({
      ruleSets: Number((await stack.db('rule_sets').count<{ n: string }[]>('* as n'))[0]!.n),
      events: Number((await stack.db('admin_events').count<{ n: string }[]>('* as n'))[0]!.n),
    });
    const before = await counts();

    const content = structuredClone(live1.content);
    content.scoring.levels.medium = 4000;
    content.scoring.rules.merchantKeyword.keywords.push('casino');
    content.sla.mediumMs = 2 * 3_600_000;
    const valid = await api('POST', '/api/admin/rule-sets/preview', { content, reason: 'lower the medium line' }, 'admin');
    expect(valid.status, JSON.stringify(valid.body)).toBe(200);
    expect(valid.body.live).toBe(1);
    expect(valid.body.changes).toHaveLength(3);
    expect(valid.body.changes).toEqual(expect.arrayContaining([
      { path: 'scoring.rules.merchantKeyword.keywords', from: live1.content.scoring.rules.merchantKeyword.keywords, to: [...live1.content.scoring.rules.merchantKeyword.keywords, 'casino'] },
      { path: 'scoring.levels.medium', from: live1.content.scoring.levels.medium, to: 4000 },
      { path: 'sla.mediumMs', from: live1.content.sla.mediumMs, to: 2 * 3_600_000 },
    ]));
    // the live content itself: nothing would change (proposing it is refused with 409)
    expect((await api('POST', '/api/admin/rule-sets/preview', { content: live1.content, reason: 'same' }, 'admin')).body.changes).toEqual([]);

    // every bad field at once, each by name, the reason among them
    const bad = structuredClone(live1.content);
    bad.scoring.levels.medium = 9000; // above high
    bad.tazama.alertPoints = -1;
    const refused = await api('POST', '/api/admin/rule-sets/preview', { content: bad, reason: '' }, 'admin');
    expect(refused.status).toBe(400);
    const fields = (refused.body.issues as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['content.tazama.alertPoints', 'reason']));
    const order = structuredClone(live1.content);
    order.scoring.levels.medium = 9000;
    const above = await api('POST', '/api/admin/rule-sets/preview', { content: order, reason: 'above high' }, 'admin');
    expect(above.status).toBe(400);
    expect(above.body).toMatchObject({ field: 'content.scoring.levels.medium', message: expect.stringMatching(/must be below scoring\.levels\.high/) });

    // admins only: compliance approves but does not draft; an analyst is not in the admin area
    expect((await api('POST', '/api/admin/rule-sets/preview', { content, reason: 'not mine' }, 'compliance')).status).toBe(403);
    expect((await api('POST', '/api/admin/rule-sets/preview', { content, reason: 'not mine' }, 'analyst')).status).toBe(403);

    expect(await counts()).toEqual(before);
  });

  it('a proposed blacklist addition does nothing until a second person approves it', async () => {
    const content = structuredClone(live1.content);
    content.blacklist.merchants.push(EVIL);
    const proposed = await api('POST', '/api/admin/rule-sets', { content, reason: 'scam reported by customers' }, 'admin');
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body.ruleSet).toMatchObject({ version: 2, status: 'draft', baseVersion: 1, proposedBy: users.admin });
    expect(proposed.body.changes).toEqual([{ path: `blacklist.merchants[${EVIL.merchantId}]`, from: null, to: EVIL }]);

    // still version 1: the merchant is not blacklisted yet
    const before = await routed(transaction({ merchantId: EVIL.merchantId, merchantName: EVIL.merchantName }));
    expect(before.status).toBe('approved');
    expect(before.rule_set_version).toBe(1);

    // the proposer may not approve; an analyst may not either
    const own = await api('POST', '/api/admin/rule-sets/2/approve', {}, 'admin');
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/four-eyes/);
    expect((await api('POST', '/api/admin/rule-sets/2/approve', {}, 'analyst')).status).toBe(403);
    expect((await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.version).toBe(1);

    const shown = await api('GET', '/api/admin/rule-sets/2', undefined, 'compliance');
    expect(shown.body).toMatchObject({ live: 1, changes: [{ path: `blacklist.merchants[${EVIL.merchantId}]` }] });

    const approved = await api('POST', '/api/admin/rule-sets/2/approve', { note: 'checked the reports' }, 'compliance');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.ruleSet).toMatchObject({ version: 2, status: 'approved', approvedBy: users.compliance });
    expect((await api('GET', '/api/admin/rule-sets/1', undefined, 'admin')).body.ruleSet.status).toBe('superseded');

    // a transaction that starts now uses version 2: the merchant is a case, and the breakdown says so
    const after = await routed(transaction({ merchantId: EVIL.merchantId, merchantName: EVIL.merchantName }));
    expect(after.status).toBe('flagged');
    expect(after.rule_set_version).toBe(2);
    expect(after.score_breakdown.modelVersion).toMatch(/^rules\/2\+/);
    expect(after.score_breakdown.rules.find((r: any) => r.rule === 'blacklist')).toMatchObject({ hit: true });
    // the case row follows the routing in the workflow's next activity
    const deadline = Date.now() + 90_000;
    while (!(await stack.db('analyst_cases').where({ transaction_ref: after.transaction_ref }).first())) {
      if (Date.now() > deadline) throw new Error(`no case for ${after.transaction_ref}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // the earlier transaction keeps the version it was scored with
    expect((await stack.db('transactions').where({ transaction_ref: before.transaction_ref }).first()).rule_set_version).toBe(1);
  });

  it('rejects drafts, refuses stale ones, and a second admin may approve', async () => {
    const live = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet;
    const a = structuredClone(live.content);
    a.scoring.levels.medium = 4500;
    const b = structuredClone(live.content);
    b.sla.mediumMs = 2 * 3_600_000;
    const c = structuredClone(live.content);
    c.tazama.alertPoints = 2000;
    const proposedA = await api('POST', '/api/admin/rule-sets', { content: a, reason: 'lower the medium line' }, 'admin');
    // the live version (read back from PostgreSQL, its blacklist entry's keys in jsonb's order)
    // and the proposal differ in the one setting changed, not in every blacklist entry
    expect(live.content.blacklist.merchants.length).toBeGreaterThan(0);
    expect(proposedA.body.changes).toEqual([{ path: 'scoring.levels.medium', from: live.content.scoring.levels.medium, to: 4500 }]);
    const va = proposedA.body.ruleSet.version;
    const vb = (await api('POST', '/api/admin/rule-sets', { content: b, reason: 'shorter medium SLA' }, 'admin')).body.ruleSet.version;
    const vc = (await api('POST', '/api/admin/rule-sets', { content: c, reason: 'Tazama weight' }, 'admin')).body.ruleSet.version;

    const rejected = await api('POST', `/api/admin/rule-sets/${vc}/reject`, { reason: 'no evidence for it' }, 'compliance');
    expect(rejected.body.ruleSet).toMatchObject({ status: 'rejected', rejectedBy: users.compliance });
    expect((await api('POST', `/api/admin/rule-sets/${vc}/approve`, {}, 'admin2')).status).toBe(409);

    const approvedA = await api('POST', `/api/admin/rule-sets/${va}/approve`, {}, 'admin2');
    expect(approvedA.status).toBe(200);
    const stale = await api('POST', `/api/admin/rule-sets/${vb}/approve`, {}, 'admin2');
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/propose it again/);
    expect((await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.version).toBe(va);
    expect((await api('POST', '/api/admin/rule-sets/999/approve', {}, 'admin2')).status).toBe(404);
  });

  it('every step is in the append-only trail with its actor; versions cannot be rewritten', async () => {
    const res = await api('GET', '/api/admin/events?subjectType=rule_set&limit=100', undefined, 'compliance');
    const steps = res.body.events.reverse().map((e: any) => `${e.subjectId}:${e.eventType}:${e.actor}`);
    expect(steps.slice(0, 4)).toEqual([
      '1:rule_set_seeded:system:configuration',
      `2:rule_set_proposed:${users.admin}`,
      `2:rule_set_approved:${users.compliance}`,
      `1:rule_set_superseded:${users.compliance}`,
    ]);
    await expect(stack.db('rule_sets').where({ version: 2 }).update({ content: JSON.stringify({}) })).rejects.toThrow(/immutable/);
    await expect(stack.db('rule_sets').where({ version: 1 }).delete()).rejects.toThrow(/DELETE/);
  });

  it('two drafts approved at the same moment: exactly one goes live, the other is refused with 409', async () => {
    const live = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet;
    const a = structuredClone(live.content);
    a.scoring.levels.high = live.content.scoring.levels.high + 100;
    const b = structuredClone(live.content);
    b.scoring.levels.high = live.content.scoring.levels.high + 200;
    const va = (await api('POST', '/api/admin/rule-sets', { content: a, reason: 'race one' }, 'admin')).body.ruleSet.version;
    const vb = (await api('POST', '/api/admin/rule-sets', { content: b, reason: 'race two' }, 'admin')).body.ruleSet.version;
    const answers = await Promise.all([
      api('POST', `/api/admin/rule-sets/${va}/approve`, {}, 'admin2'),
      api('POST', `/api/admin/rule-sets/${vb}/approve`, {}, 'compliance'),
    ]);
    expect(answers.map((r) => r.status).sort(), JSON.stringify(answers.map((r) => r.body))).toEqual([200, 409]);
    const winner = answers[0]!.status === 200 ? va : vb;
    const loser = winner === va ? vb : va;
    expect(answers.find((r) => r.status === 409)!.body.message).toMatch(/propose it again/);
    const rows = await stack.db('rule_sets').whereIn('version', [live.version, va, vb]).orderBy('version').select('version', 'status');
    expect(rows).toEqual([
      { version: live.version, status: 'superseded' },
      { version: va, status: winner === va ? 'approved' : 'draft' },
      { version: vb, status: winner === vb ? 'approved' : 'draft' },
    ]);
    expect((await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.version).toBe(winner);
    const approvals = await stack.db('admin_events').where({ subject_type: 'rule_set', event_type: 'rule_set_approved' }).whereIn('subject_id', [String(va), String(vb)]).pluck('subject_id');
    expect(approvals).toEqual([String(winner)]);
    expect(loser).not.toBe(winner);
  });

  it('a case opened under one version keeps its SLA times when a new version goes live meanwhile', { timeout: 240_000 }, async () => {
    const HOUR = 3_600_000;
    // version X: a blacklisted merchant's case is due in 25 s, and once escalated in an hour
    const live = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet;
    const x = structuredClone(live.content);
    x.sla = { mediumMs: 25_000, highMs: 25_000, escalatedMs: HOUR };
    const vx = (await api('POST', '/api/admin/rule-sets', { content: x, reason: 'short first SLA' }, 'admin')).body.ruleSet.version;
    expect((await api('POST', `/api/admin/rule-sets/${vx}/approve`, {}, 'compliance')).status).toBe(200);

    const started = await routed(transaction({ merchantId: EVIL.merchantId, merchantName: EVIL.merchantName }));
    expect(started.rule_set_version).toBe(vx);
    const caseRow = await eventuallyRow(() => stack.db('analyst_cases').where({ transaction_ref: started.transaction_ref }).first(), `a case for ${started.transaction_ref}`);
    expect(Date.parse(caseRow.sla_due_at) - Date.parse(caseRow.opened_at)).toBeLessThan(60_000);

    // version Y goes live while the case is open: the reverse (an hour first, then one second per step)
    const y = structuredClone(x);
    y.sla = { mediumMs: HOUR, highMs: HOUR, escalatedMs: 1_000 };
    const vy = (await api('POST', '/api/admin/rule-sets', { content: y, reason: 'long first SLA' }, 'admin')).body.ruleSet.version;
    const approvedY = await api('POST', `/api/admin/rule-sets/${vy}/approve`, {}, 'compliance');
    expect(approvedY.status).toBe(200);

    // the case misses version X's SLA and escalates with version X's escalation time (an hour, not a second)
    const escalated = await eventuallyRow(
      () => stack.db('case_events').where({ transaction_ref: started.transaction_ref, event_type: 'sla_escalated' }).first(),
      `the SLA escalation of ${started.transaction_ref}`,
    );
    // the new version was live before the escalation, so the workflow could have read it
    expect(Date.parse(approvedY.body.ruleSet.effectiveAt)).toBeLessThan(new Date(escalated.occurred_at).getTime());
    const afterEscalation = await stack.db('analyst_cases').where({ transaction_ref: started.transaction_ref }).first();
    expect(afterEscalation.escalation_level).toBe(1);
    expect(Date.parse(afterEscalation.sla_due_at) - new Date(escalated.occurred_at).getTime()).toBeGreaterThan(HOUR - 120_000);
    // with version Y's second it would be at the top of the ladder by now
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await stack.db('analyst_cases').where({ transaction_ref: started.transaction_ref }).first()).escalation_level).toBe(1);

    // a transaction that starts now has version Y's hour
    const later = await routed(transaction({ merchantId: EVIL.merchantId, merchantName: EVIL.merchantName }));
    expect(later.rule_set_version).toBe(vy);
    const laterCase = await eventuallyRow(() => stack.db('analyst_cases').where({ transaction_ref: later.transaction_ref }).first(), `a case for ${later.transaction_ref}`);
    expect(Date.parse(laterCase.sla_due_at) - Date.parse(laterCase.opened_at)).toBeGreaterThan(HOUR - 120_000);
  });
});

async function eventuallyRow<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const row = await read();
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
