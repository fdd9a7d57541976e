// The workbench's API additions against the real PostgreSQL: queue filters and sorting, case
// assignment (take, conflict, release, bulk), a customer's transactions, overview and analytics
// aggregates, the risk register, system info and the built UI served with history fallback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { resolveUiServing, uiRouter } from '../../api/static';
import { createUser } from '../../api/users/service';
import { scratchDatabase, uniqueRef, type ScratchDatabase } from '../helpers';
import { createTestApp } from '../helpers/api';
import { createApiHarness, insertCase, type ApiHarness } from './helpers';

let h: ApiHarness;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await createApiHarness({ TEMPORAL_UI_URL: 'http://temporal.example:8233/' });
  for (const role of ['analyst', 'senior_analyst', 'compliance', 'admin'] as const) tokens[role] = await h.token(role);
});
afterAll(async () => {
  await h?.close();
});

const as = (role: string) => ({ authorization: `Bearer ${tokens[role]}` });
const get = (p: string, role = 'compliance') => request(h.app).get(p).set(as(role));
const post = (p: string, body: unknown, role: string) => request(h.app).post(p).set(as(role)).send(body as object);

/** Marks a transaction row scored (the trigger takes a change_seq) with a breakdown of these rules. */
async function score(ref: string, level: 'low' | 'medium' | 'high', score: string, hits: string[], anomaly: number | null = null, at = new Date()) {
  await h.db('transactions')
    .where({ transaction_ref: ref })
    .update({
      risk_level: level,
      risk_score: score,
      scored_at: at,
      status: level === 'low' ? 'approved' : level === 'high' ? 'held' : 'flagged',
      score_breakdown: JSON.stringify({
        score: Number(score),
        level,
        rules: ['amount', 'location', 'offHours'].map((rule) => ({ rule, label: rule, hit: hits.includes(rule), points: 0, contribution: 0, detail: '' })),
        anomaly: { enabled: anomaly !== null, score: anomaly, points: 0, contribution: 0, modelVersion: null, detail: '' },
      }),
    });
}

async function insertTransaction(ref: string, customerId: string, occurredAt: string, channel = 'mobile') {
  await h.db('transactions').insert({
    transaction_ref: ref,
    customer_id: customerId,
    account_id: 'ACC-WB',
    amount: '1000.00',
    currency: 'KES',
    txn_type: 'payment',
    channel,
    city: 'Nairobi',
    country: 'KE',
    occurred_at: occurredAt,
    source: 'api',
    status: 'received',
  });
}

describe('the case queue', () => {
  const assignee = `wbq-${randomBytes(3).toString('hex')}`;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    const now = Date.now();
    ids.a = (await insertCase(h.db, { riskLevel: 'medium', assignee, openedAt: new Date(now - 5 * 3_600_000), amount: '300.00' })).caseId;
    ids.b = (await insertCase(h.db, { riskLevel: 'high', assignee, openedAt: new Date(now - 30 * 60_000), amount: '900.00' })).caseId;
    ids.c = (await insertCase(h.db, { riskLevel: 'medium', assignee, openedAt: new Date(now - 60_000), amount: '100.00' })).caseId;
    await h.db('analyst_cases').where({ id: ids.a }).update({ sla_due_at: new Date(now - 60_000) }); // overdue
  });

  it('sorts by a column in either direction', async () => {
    const byAmount = await get(`/api/cases?assignee=${assignee}&sort=amount&dir=desc`);
    expect(byAmount.status).toBe(200);
    expect(byAmount.body.items.map((c: any) => c.id)).toEqual([ids.b, ids.a, ids.c]);
    const byAge = await get(`/api/cases?assignee=${assignee}&sort=opened_at`);
    expect(byAge.body.items.map((c: any) => c.id)).toEqual([ids.a, ids.b, ids.c]);
    const priority = await get(`/api/cases?assignee=${assignee}`);
    expect(priority.body.items.map((c: any) => c.id)).toEqual([ids.b, ids.a, ids.c]);
  });

  it('filters by age, SLA and channel', async () => {
    expect((await get(`/api/cases?assignee=${assignee}&minAgeMinutes=60`)).body.items.map((c: any) => c.id)).toEqual([ids.a]);
    expect((await get(`/api/cases?assignee=${assignee}&overdue=true`)).body.items.map((c: any) => c.id)).toEqual([ids.a]);
    expect((await get(`/api/cases?assignee=${assignee}&slaWithinMinutes=90`)).body.total).toBe(3);
    expect((await get(`/api/cases?assignee=${assignee}&channel=atm`)).body.total).toBe(0);
    expect((await get(`/api/cases?assignee=${assignee}&channel=online`)).body.total).toBe(3);
  });

  it('refuses unknown sorts and channels, naming the field', async () => {
    const res = await get('/api/cases?sort=colour');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('sort');
    expect((await get('/api/cases?channel=pigeon')).body.field).toBe('channel');
  });
});

describe('case assignment', () => {
  it('an analyst takes an unassigned case; a second analyst is told who holds it', async () => {
    const { caseId } = await insertCase(h.db, { riskLevel: 'medium' });
    const taken = await post(`/api/cases/${caseId}/assignment`, {}, 'analyst');
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body.case).toMatchObject({ id: caseId, assignee: h.users.analyst });
    // taking it again is harmless
    expect((await post(`/api/cases/${caseId}/assignment`, {}, 'analyst')).status).toBe(200);

    const other = `t-analyst2-${randomBytes(3).toString('hex')}`;
    await createUser(h.db, { username: other, displayName: 'Other analyst', password: h.password, role: 'analyst' });
    const login = await request(h.app).post('/api/auth/login').send({ username: other, password: h.password });
    const conflict = await request(h.app).post(`/api/cases/${caseId}/assignment`).set('authorization', `Bearer ${login.body.token}`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe(`case ${caseId} is already taken by ${h.users.analyst}`);

    const events = await h.db('case_events').where({ case_id: caseId, event_type: 'case_assigned' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: h.users.analyst, actor_role: 'analyst' });

    const released = await request(h.app).delete(`/api/cases/${caseId}/assignment`).set(as('analyst'));
    expect(released.status).toBe(200);
    expect(released.body.case.assignee).toBeNull();
  });

  it('an analyst may not take a high-risk case, compliance may not take any, a closed case is a conflict', async () => {
    const high = await insertCase(h.db, { riskLevel: 'high' });
    const refused = await post(`/api/cases/${high.caseId}/assignment`, {}, 'analyst');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/senior_analyst/);
    expect((await post(`/api/cases/${high.caseId}/assignment`, {}, 'compliance')).status).toBe(403);
    const closed = await insertCase(h.db, { riskLevel: 'medium', status: 'closed', decision: 'approve', decidedBy: 'someone' });
    const late = await post(`/api/cases/${closed.caseId}/assignment`, {}, 'analyst');
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(`case ${closed.caseId} is closed`);
    expect((await post('/api/cases/999999999/assignment', {}, 'analyst')).status).toBe(404);
  });

  it('a senior analyst assigns several cases at once; unsuitable ones are skipped with the reason', async () => {
    const m1 = await insertCase(h.db, { riskLevel: 'medium' });
    const m2 = await insertCase(h.db, { riskLevel: 'medium', assignee: 'somebody-else' });
    const hi = await insertCase(h.db, { riskLevel: 'high' });
    const res = await post('/api/cases/assignments', { caseIds: [m1.caseId, m2.caseId, hi.caseId, 999999998], assignee: h.users.analyst }, 'senior_analyst');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.assigned).toEqual([m1.caseId, m2.caseId]);
    expect(res.body.skipped).toEqual([
      { caseId: hi.caseId, reason: `${h.users.analyst} (analyst) may not decide case ${hi.caseId}: it needs senior_analyst` },
      { caseId: 999999998, reason: 'case 999999998 not found' },
    ]);
    const rows = await h.db('analyst_cases').whereIn('id', [m1.caseId, m2.caseId]).pluck('assignee');
    expect(rows).toEqual([h.users.analyst, h.users.analyst]);

    expect((await post('/api/cases/assignments', { caseIds: [m1.caseId], assignee: h.users.analyst }, 'analyst')).status).toBe(403);
    const notAnalyst = await post('/api/cases/assignments', { caseIds: [m1.caseId], assignee: h.users.compliance }, 'senior_analyst');
    expect(notAnalyst.status).toBe(422);
    expect(notAnalyst.body.field).toBe('assignee');
    const empty = await post('/api/cases/assignments', { caseIds: [], assignee: null }, 'senior_analyst');
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe('caseIds');

    const back = await post('/api/cases/assignments', { caseIds: [m1.caseId], assignee: null }, 'senior_analyst');
    expect(back.body).toMatchObject({ assignee: null, assigned: [m1.caseId] });
    const assignees = await get('/api/cases/assignees', 'senior_analyst');
    expect(assignees.body.items.map((u: any) => u.username)).toEqual(expect.arrayContaining([h.users.analyst, h.users.senior_analyst]));
    expect(assignees.body.items.map((u: any) => u.username)).not.toContain(h.users.compliance);
  });
});

describe("a customer's transactions", () => {
  it('answers the newest first, limited, leaving out the one asked to exclude', async () => {
    const customer = uniqueRef('CUST-WB');
    const refs = [uniqueRef('c1'), uniqueRef('c2'), uniqueRef('c3')];
    await insertTransaction(refs[0]!, customer, '2026-11-18T10:00:00Z');
    await insertTransaction(refs[1]!, customer, '2026-11-19T10:00:00Z');
    await insertTransaction(refs[2]!, customer, '2026-11-20T10:00:00Z');
    const res = await get(`/api/customers/${customer}/transactions?limit=2`, 'analyst');
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: any) => t.transactionRef)).toEqual([refs[2], refs[1]]);
    const excluded = await get(`/api/customers/${customer}/transactions?exclude=${refs[2]}`, 'analyst');
    expect(excluded.body.items.map((t: any) => t.transactionRef)).toEqual([refs[1], refs[0]]);
    expect((await get(`/api/customers/${customer}/transactions?limit=1000`)).status).toBe(400);
    expect((await request(h.app).get(`/api/customers/${customer}/transactions`)).status).toBe(401);
  });
});

describe('overview and analytics', () => {
  // Counts over "today" see every test's rows: these run on a database of their own.
  let shared: ApiHarness;
  const sharedTokens = { ...tokens };
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await scratchDatabase('kinga_overview', { migrate: true });
    shared = h;
    Object.assign(sharedTokens, tokens);
    h = await createApiHarness({ DATABASE_URL: scratch.url, TEMPORAL_UI_URL: 'http://temporal.example:8233/' });
    for (const role of ['analyst', 'senior_analyst', 'compliance', 'admin'] as const) tokens[role] = await h.token(role);
  });
  afterAll(async () => {
    await h?.close();
    h = shared;
    Object.assign(tokens, sharedTokens);
    await scratch?.drop();
  });

  it('counts what was scored, the open cases and the top rules', async () => {
    const before = (await get('/api/overview')).body;
    const refs = [uniqueRef('ov1'), uniqueRef('ov2'), uniqueRef('ov3')];
    for (const ref of refs) await insertTransaction(ref, 'CUST-OV', new Date().toISOString(), 'atm');
    await score(refs[0]!, 'low', '0.1000', []);
    await score(refs[1]!, 'medium', '0.5500', ['amount', 'location'], 0.7);
    await score(refs[2]!, 'high', '0.9000', ['amount'], 0.2);
    const open = await insertCase(h.db, { riskLevel: 'high' });
    await h.db('analyst_cases').where({ id: open.caseId }).update({ sla_due_at: new Date(Date.now() - 1000) });

    const res = await get('/api/overview');
    expect(res.status).toBe(200);
    const o = res.body;
    expect(o.today.transactions - before.today.transactions).toBe(3);
    expect(o.today.byLevel.low - before.today.byLevel.low).toBe(1);
    expect(o.today.byLevel.high - before.today.byLevel.high).toBe(1);
    expect(o.openCases.overdue - before.openCases.overdue).toBeGreaterThanOrEqual(1);
    expect(o.openCases.byLevel.high - before.openCases.byLevel.high).toBeGreaterThanOrEqual(1);
    expect(o.hourly).toHaveLength(24);
    expect(o.hourly.reduce((s: number, x: any) => s + x.total, 0)).toBeGreaterThanOrEqual(3);
    const amountHits = (x: any) => x.topRules.find((r: any) => r.rule === 'amount')?.hits ?? 0;
    expect(amountHits(o) - amountHits(before)).toBe(2);
    expect(o.today.autoApprovedShare).toBeGreaterThan(0);
    expect(o.today.autoApprovedShare).toBeLessThanOrEqual(1);
  });

  it('aggregates a date range: scores, rules, channels, hours, anomaly scores, analysts and SLA', async () => {
    const at = new Date('2025-03-10T09:30:00Z'); // a day no other test scores on
    const refs = [uniqueRef('an1'), uniqueRef('an2')];
    await insertTransaction(refs[0]!, 'CUST-AN', '2025-03-10T09:00:00Z', 'agent');
    await insertTransaction(refs[1]!, 'CUST-AN', '2025-03-10T09:10:00Z', 'agent');
    await score(refs[0]!, 'medium', '0.5200', ['amount', 'offHours'], 0.61, at);
    await score(refs[1]!, 'high', '0.8100', ['amount'], 0.33, at);
    const decided = await insertCase(h.db, { riskLevel: 'medium', status: 'closed', decision: 'approve', decidedBy: 'an-analyst', openedAt: new Date('2025-03-10T09:00:00Z') });
    await h.db('analyst_cases').where({ id: decided.caseId }).update({ decided_at: new Date('2025-03-10T09:30:00Z') });

    const res = await get('/api/analytics?from=2025-03-10&to=2025-03-10');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body;
    expect(a.transactions).toBe(2);
    expect(a.scoreDistribution).toHaveLength(20);
    expect(a.scoreDistribution[10]).toMatchObject({ from: 0.5, to: 0.55, count: 1, medium: 1 });
    expect(a.scoreDistribution[16]).toMatchObject({ from: 0.8, count: 1, high: 1 });
    expect(a.ruleHitRates).toEqual([
      { rule: 'amount', hits: 2, rate: 1 },
      { rule: 'offHours', hits: 1, rate: 0.5 },
    ]);
    expect(a.byChannel).toEqual([{ key: 'agent', transactions: 2, medium: 1, high: 1, avgScore: 0.665 }]);
    expect(a.byLocation[0]).toMatchObject({ city: 'Nairobi', country: 'KE', transactions: 2 });
    expect(a.byHour).toHaveLength(24);
    expect(a.byHour[12]).toMatchObject({ hour: 12, transactions: 2 }); // 09:xx UTC is 12:xx in Nairobi
    expect(a.anomaly.scored).toBe(2);
    expect(a.anomaly.histogram[12].count).toBe(1); // 0.61
    expect(a.anomaly.histogram[6].count).toBe(1); // 0.33
    expect(a.analysts).toEqual([{ analyst: 'an-analyst', decided: 1, approved: 1, blocked: 0, escalated: 0, avgMinutesToDecision: 30 }]);
    expect(a.sla).toMatchObject({ decided: 1, withinSla: 1, adherence: 1 });
  });

  it('refuses a reversed or too long range', async () => {
    const reversed = await get('/api/analytics?from=2025-03-10&to=2025-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toBe('from: must be before to');
    expect((await get('/api/analytics?from=2024-01-01&to=2025-01-01')).body.message).toMatch(/at most 92 days/);
    expect((await get('/api/analytics?from=yesterday')).status).toBe(400);
  });
});

describe('risk register and system', () => {
  it('answers the latest metric per series and recent events, to risk roles only', async () => {
    const run = uniqueRef('run');
    const metric = `wb_metric_${randomBytes(3).toString('hex')}`;
    await h.db('risk_metrics').insert([
      { model: 'liquidity', metric, scope: 'book', value: '1.100000', threshold: '1.000000', status: 'ok', run_id: `${run}-1`, computed_at: new Date(Date.now() - 60_000) },
      { model: 'liquidity', metric, scope: 'book', value: '0.900000', threshold: '1.000000', status: 'breach', run_id: `${run}-2`, computed_at: new Date() },
    ]);
    const res = await get('/api/risk/metrics', 'compliance');
    expect(res.status).toBe(200);
    expect(res.body.items.filter((m: any) => m.metric === metric)).toEqual([expect.objectContaining({ value: '0.900000', status: 'breach' })]);
    const key = uniqueRef('ev');
    await h.db('risk_events').insert({ event_key: key, category: 'liquidity', severity: 'high', title: 'LCR below 100%', description: 'test' });
    const events = await get('/api/risk/events?category=liquidity&limit=5', 'senior_analyst');
    expect(events.body.items[0]).toMatchObject({ eventKey: key, title: 'LCR below 100%' });
    expect((await get('/api/risk/events', 'analyst')).status).toBe(403);
  });

  it("answers each portfolio metric's history against its threshold, oldest first, book level only", async () => {
    const run = `wb-hist-${randomBytes(3).toString('hex')}`;
    const metric = `wb_trend_${randomBytes(3).toString('hex')}`;
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    await h.db('risk_metrics').insert([
      { model: 'credit', metric, scope: 'book', value: '0.300000', threshold: '0.500000', status: 'OK', run_id: `${run}-2`, computed_at: hoursAgo(24) },
      { model: 'credit', metric, scope: 'book', value: '0.200000', threshold: '0.500000', status: 'OK', run_id: `${run}-1`, computed_at: hoursAgo(48) },
      { model: 'credit', metric, scope: 'book', value: '0.600000', threshold: '0.550000', status: 'BREACH', run_id: `${run}-3`, computed_at: hoursAgo(1) },
      // a customer's value is not the portfolio's; a value from before the window is not shown
      { model: 'credit', metric, scope: 'customer:C-1', value: '9.000000', threshold: '0.500000', status: 'BREACH', run_id: `${run}-3`, computed_at: hoursAgo(1) },
      { model: 'credit', metric, scope: 'book', value: '0.100000', threshold: '0.500000', status: 'OK', run_id: `${run}-0`, computed_at: hoursAgo(24 * 10) },
    ]);
    const res = await get('/api/risk/metrics/history?days=7&model=credit', 'senior_analyst');
    expect(res.status).toBe(200);
    const series = res.body.series.filter((s: { metric: string }) => s.metric === metric);
    expect(series).toHaveLength(1);
    expect(series[0].model).toBe('credit');
    expect(series[0].points.map((p: { value: number; threshold: number; status: string }) => [p.value, p.threshold, p.status])).toEqual([
      [0.2, 0.5, 'OK'],
      [0.3, 0.5, 'OK'],
      [0.6, 0.55, 'BREACH'],
    ]);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(7 * 86_400_000);
    // a window of 30 days takes in the older value; another model's filter leaves this one out
    expect((await get('/api/risk/metrics/history', 'compliance')).body.series.find((s: { metric: string }) => s.metric === metric).points).toHaveLength(4);
    expect((await get('/api/risk/metrics/history?model=market', 'compliance')).body.series.some((s: { metric: string }) => s.metric === metric)).toBe(false);
  });

  it('pages through risk events, newest first, with the total; a bad offset is refused naming the field', async () => {
    const category = `wbpage${randomBytes(3).toString('hex')}`;
    const base = Date.now() - 3_600_000;
    await h.db('risk_events').insert(
      Array.from({ length: 5 }, (_, i) => ({ event_key: `${category}-${i}`, category, severity: 'medium', title: `event ${i}`, description: 'paging', created_at: new Date(base + i * 1000) })),
    );
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const res = await get(`/api/risk/events?category=${category}&limit=2&offset=${offset}`, 'compliance');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      pages.push(...res.body.items.map((e: { title: string }) => e.title));
    }
    expect(pages).toEqual(['event 4', 'event 3', 'event 2', 'event 1', 'event 0']);
    const bad = await get(`/api/risk/events?offset=-2`, 'compliance');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('offset');
  });

  it('refuses a bad history window or model, naming the field, and keeps it from analysts', async () => {
    for (const [query, field] of [['days=0', 'days'], ['days=367', 'days'], ['days=week', 'days'], ['model=weather', 'model']]) {
      const res = await get(`/api/risk/metrics/history?${query}`, 'compliance');
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
    expect((await get('/api/risk/metrics/history', 'analyst')).status).toBe(403);
  });

  it('tells the UI where Temporal Web is', async () => {
    const res = await get('/api/system', 'analyst');
    expect(res.body).toEqual({ temporalUiUrl: 'http://temporal.example:8233', temporalNamespace: h.config.temporal.namespace, timeZone: 'Africa/Nairobi' });
  });
});

describe('serving the built UI', () => {
  let dist: string;
  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-ui-dist-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Kinga</title><div id="app"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log("kinga")');
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('is on in production or when a build exists, unless KINGA_SERVE_UI=false', () => {
    expect(resolveUiServing(loadConfig({ KINGA_UI_DIST: dist })).enabled).toBe(true);
    expect(resolveUiServing(loadConfig({ NODE_ENV: 'production', KINGA_UI_DIST: dist })).enabled).toBe(true);
    expect(resolveUiServing(loadConfig({ NODE_ENV: 'production', KINGA_UI_DIST: dist, KINGA_SERVE_UI: 'false' })).enabled).toBe(false);
    expect(resolveUiServing(loadConfig({ KINGA_UI_DIST: path.join(dist, 'missing') })).enabled).toBe(false);
  });

  it('serves assets, falls back to index.html for app routes, and keeps API 404s as JSON', async () => {
    const app = createTestApp({ db: h.db, client: h.temporal, config: { ...h.config, env: 'production' } });
    // the app built with the repository's default dist; mount one on the test build in front of it
    const express = (await import('express')).default;
    const outer = express();
    outer.use(uiRouter({ enabled: true, distDir: dist }));
    outer.use(app);
    const asset = await request(outer).get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    const page = await request(outer).get('/cases/12').set('accept', 'text/html,application/xhtml+xml');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
    expect(page.headers['cache-control']).toBe('no-cache');
    const api = await request(outer).get('/api/nothing-here').set('accept', 'text/html');
    expect(api.status).toBe(404);
    expect(api.body.error).toBe('not_found');
    expect((await request(outer).get('/assets/missing.js').set('accept', 'text/html')).status).toBe(404);
  });
});
