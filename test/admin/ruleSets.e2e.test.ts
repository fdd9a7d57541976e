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
    const va = (await api('POST', '/api/admin/rule-sets', { content: a, reason: 'lower the medium line' }, 'admin')).body.ruleSet.version;
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
});
