// What-if backtests through the API on a real Temporal server and PostgreSQL, over the demo's data
// (the generator, seed and blacklisted merchants `npm start` seeds, with its labelled fraud): every
// scored transaction's recorded inputs reproduce its live score exactly; a backtest of a draft with a lower medium
// threshold gives the level-change matrix a direct re-score (risk/ itself) gives; a worker killed
// during a backtest, and the backtest finishing with the same report; cancel; bad input refused.
// A database of its own: it proposes rule sets, which change what is live for every transaction in it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { levelFor, scoreTransaction, type RiskLevel, type ScoreBreakdown } from '../../risk';
import type { RuleSetContent } from '../../risk/ruleSet';
import { generateHistory } from '../../warehouse/generator';
import { DEMO_SEED, seedBlacklist } from '../../scripts/demo/seed';
import { backtestWorkflowId } from '../../workflows/backtest/definitions';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { scoreGeneratedHistory } from '../helpers/recordedInputs';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { killAllWorkers, startWorkerProcess } from '../ops/workerProcess';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let testApi: TestApi;
const tokens: Record<string, string> = {};
const api = jsonClient(() => testApi.baseUrl, tokens);
const run = randomUUID().slice(0, 8);
const PASSWORD = 'backtest-test-password';
const users = { admin: `bt-admin-${run}`, compliance: `bt-compliance-${run}`, analyst: `bt-analyst-${run}` };
const END = '2026-11-20T06:00:00.000Z';
/** the last LIVE generated rows run through the lifecycle; the rest is the customers' past */
const LIVE = 120;
let liveRefs: string[] = [];
/** the candidate's medium threshold (below the live one) */
let candidateMedium = 0;
let from = '';
/** the worker entry point as its own process, on this file's database and task queue */
function workerProcessOnStack() {
  return startWorkerProcess({
    DATABASE_URL: scratch.url,
    TEMPORAL_ADDRESS: stack.config.temporal.address!,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    METRICS_ENABLED: 'false',
  });
}

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_backtests', { migrate: true });
  stack = await createTestStack({ DATABASE_URL: scratch.url, ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  await seedBlacklist(stack.db);
  await stack.startWorker();
  await createUser(stack.db, { username: users.admin, displayName: 'Admin', password: PASSWORD, role: 'admin' });
  await createUser(stack.db, { username: users.compliance, displayName: 'Compliance', password: PASSWORD, role: 'compliance' });
  await createUser(stack.db, { username: users.analyst, displayName: 'Analyst', password: PASSWORD, role: 'analyst' });
  testApi = await startTestApi(stack, { users: Object.entries(users).map(([as, username]) => ({ username, password: PASSWORD, as })), tokens });

  // the demo's data: `npm start`'s generator, seed and blacklist (fewer customers and days), with its
  // labelled fraud, in the warehouse; the older part backfilled as the customers' past (as the demo
  // seeds it), the newest LIVE rows scored by their lifecycles
  const rows = generateHistory({ seed: DEMO_SEED, customers: 25, days: 6, endAt: END, fraudRate: 0.08, refPrefix: `BT-${run}-` });
  ({ liveRefs, from } = await scoreGeneratedHistory(stack, rows, LIVE));
}, 420_000);

afterAll(async () => {
  await killAllWorkers();
  await testApi?.close();
  await stack?.close();
  await scratch?.drop();
});

interface InputRow {
  transaction_ref: string;
  transaction: Parameters<typeof scoreTransaction>[0];
  profile: Parameters<typeof scoreTransaction>[1]['customer'];
  rule_set_version: number;
  anomaly: unknown;
  risk_level: RiskLevel;
  score_breakdown: ScoreBreakdown;
}

async function recordedInputs(): Promise<InputRow[]> {
  return stack.db('scoring_inputs as si')
    .join('transactions as t', 't.transaction_ref', 'si.transaction_ref')
    .whereIn('si.transaction_ref', liveRefs)
    .orderBy('si.transaction_ref')
    .select('si.transaction_ref', 'si.transaction', 'si.profile', 'si.rule_set_version', 'si.anomaly', 't.risk_level', 't.score_breakdown');
}

/** The scorer's context rebuilt from a rule set's blacklist and the recorded profile. */
function contextFor(row: InputRow, content: RuleSetContent) {
  const listed = content.blacklist.merchants.find((m) => m.merchantId === row.transaction.merchantId);
  return { blacklistedMerchant: listed ? { merchantId: listed.merchantId, reason: listed.reason } : null, customer: row.profile };
}

async function completedReport(id: string) {
  const done = await eventually(async () => {
    const res = await api('GET', `/api/admin/backtests/${id}`, undefined, 'compliance');
    expect(res.status).toBe(200);
    expect(res.body.backtest.status).not.toBe('failed');
    return res.body.backtest.status === 'completed' ? res.body : undefined;
  }, `backtest ${id} completed`, 300_000);
  const report = await api('GET', `/api/admin/backtests/${id}/report`, undefined, 'compliance');
  expect(report.status).toBe(200);
  return { backtest: done.backtest, report: report.body.report };
}

describe('what-if backtests over recorded inputs', () => {
  let live1: RuleSetContent;
  let candidateVersion: number;
  let firstReport: any;

  it('records exactly what the scorer saw: re-scoring the recorded inputs gives each live score', async () => {
    live1 = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.content;
    const rows = await recordedInputs();
    expect(rows).toHaveLength(LIVE);
    for (const row of rows) {
      expect(row.rule_set_version).toBe(1);
      expect(row.anomaly).toBeNull(); // the model is off in this file
      const again = scoreTransaction(row.transaction, contextFor(row, live1), live1.scoring, null, row.rule_set_version);
      // Tazama is off here, so its section adds nothing; everything else is the score as recorded
      const { tazama, ...recorded } = row.score_breakdown;
      expect(tazama?.points ?? 0).toBe(0);
      expect(again, row.transaction_ref).toEqual(recorded);
      expect(row.risk_level).toBe(again.level);
    }
    // the demo data gives cases of both kinds, and some labelled fraud among them
    expect(new Set(rows.map((r) => r.risk_level)).size).toBeGreaterThan(1);
  });

  it('refuses bad requests, naming the field, and lets only admins start one', async () => {
    const to = new Date(Date.parse(END) + 1).toISOString();
    const none = await api('POST', '/api/admin/backtests', { from, to }, 'admin');
    expect(none.status).toBe(400);
    expect(none.body.field).toBe('ruleSetVersion');
    const backwards = await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from: to, to: from }, 'admin');
    expect(backwards.status).toBe(400);
    expect(backwards.body.field).toBe('to');
    expect((await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from: 'yesterday', to }, 'admin')).body.field).toBe('from');
    expect((await api('POST', '/api/admin/backtests', { ruleSetVersion: 999, from, to }, 'admin')).status).toBe(404);
    expect((await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from, to }, 'compliance')).status).toBe(403);
    expect((await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from, to }, 'analyst')).status).toBe(403);
    expect((await api('GET', '/api/admin/backtests', undefined, 'analyst')).status).toBe(403);
    expect((await api('GET', `/api/admin/backtests/${randomUUID()}`, undefined, 'admin')).status).toBe(404);
    expect((await api('GET', '/api/admin/backtests/not-an-id', undefined, 'admin')).body.field).toBe('id');
    expect((await api('GET', '/api/admin/backtests', undefined, 'admin')).body.backtests).toEqual([]);
  });

  it('a draft with a lower medium threshold: the matrix and its lists match a direct re-score', async () => {
    // the medium line lowered to the highest score a live low transaction reached: it turns at least
    // that one into a case, whatever the demo's data scores
    const lows = (await recordedInputs()).filter((r) => r.risk_level === 'low').map((r) => r.score_breakdown.points);
    candidateMedium = Math.max(...lows);
    expect(candidateMedium).toBeGreaterThan(0);
    expect(candidateMedium).toBeLessThan(live1.scoring.levels.medium);
    const content = structuredClone(live1);
    content.scoring.levels.medium = candidateMedium;
    const proposed = await api('POST', '/api/admin/rule-sets', { content, reason: 'what would a lower medium threshold cost?' }, 'admin');
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    candidateVersion = proposed.body.ruleSet.version;

    const to = new Date(Date.parse(END) + 1).toISOString();
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: candidateVersion, from, to, note: 'threshold study', batchSize: 25 }, 'admin');
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.backtest).toMatchObject({ status: 'running', candidateRuleSetVersion: candidateVersion, requestedBy: users.admin });
    const { backtest, report } = await completedReport(started.body.backtest.id);
    expect(backtest).toMatchObject({ total: LIVE, processed: LIVE });
    firstReport = report;

    // the direct re-score: risk/ on the recorded inputs with the candidate's content
    const expected = { low: { low: 0, medium: 0, high: 0 }, medium: { low: 0, medium: 0, high: 0 }, high: { low: 0, medium: 0, high: 0 } };
    const moved = new Map<string, string[]>();
    for (const row of await recordedInputs()) {
      const candidate = scoreTransaction(row.transaction, contextFor(row, content), content.scoring, null);
      expect(candidate.level).toBe(levelFor(candidate.points, { medium: candidateMedium, high: content.scoring.levels.high }));
      expected[row.risk_level][candidate.level]++;
      if (row.risk_level !== candidate.level) moved.set(`${row.risk_level}>${candidate.level}`, [...(moved.get(`${row.risk_level}>${candidate.level}`) ?? []), row.transaction_ref]);
    }
    expect(report.transactions).toBe(LIVE);
    expect(report.matrix).toEqual(expected);
    expect(report.changed).toBeGreaterThan(0); // the lower threshold does turn some low ones into cases
    expect(Object.fromEntries(report.cells.map((c: any) => [`${c.live}>${c.candidate}`, c.transactionRefs]))).toEqual(Object.fromEntries([...moved].map(([k, v]) => [k, v.sort()])));
    // a lower threshold only adds cases, so it catches at least as much labelled fraud
    const labels = await stack.db('transaction_history').whereIn('transaction_ref', liveRefs).select('is_fraud');
    expect(report.labelled.fraud + report.labelled.legitimate).toBe(LIVE);
    expect(report.labelled.fraud).toBe(labels.filter((l) => l.is_fraud).length);
    expect(report.candidate.fraudCaught).toBeGreaterThanOrEqual(report.live.fraudCaught);
    expect(report.candidate.cases - report.live.cases).toBe(report.changed);
    expect(report.casesPerDay.reduce((s: number, d: any) => s + d.candidate, 0)).toBe(report.candidate.cases);

    // the list behind a cell, through the API
    const [cell] = report.cells;
    const listed = await api('GET', `/api/admin/backtests/${backtest.id}/transactions?live=${cell.live}&candidate=${cell.candidate}`, undefined, 'compliance');
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(cell.count);
    expect(listed.body.transactions.map((t: any) => t.transactionRef).sort()).toEqual(cell.transactionRefs);

    // the downloads
    const csv = await fetch(`${testApi.baseUrl}/api/admin/backtests/${backtest.id}/report.csv`, { headers: { authorization: `Bearer ${tokens.compliance}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    expect(csvText).toContain(cell.transactionRefs[0]);
    expect(csvText).toContain(`low,${expected.low.low},${expected.low.medium},${expected.low.high}`);
    const html = await fetch(`${testApi.baseUrl}/api/admin/backtests/${backtest.id}/report.html`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('Level change');

    // who asked, and how it ended, in the admin trail
    const events = await api('GET', `/api/admin/events?subjectType=backtest&subjectId=${backtest.id}`, undefined, 'compliance');
    expect(events.body.events.map((e: any) => [e.eventType, e.actor]).reverse()).toEqual([
      ['backtest_started', users.admin],
      ['backtest_completed', 'system:backtest'],
    ]);
  });

  it('the live version as candidate changes nothing (the recorded inputs are exact)', async () => {
    const to = new Date(Date.parse(END) + 1).toISOString();
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from, to }, 'admin');
    expect(started.status).toBe(201);
    const { report } = await completedReport(started.body.backtest.id);
    expect(report.changed).toBe(0);
    expect(report.ruleShifts).toEqual([]);
    // the trail says it for what it is: a control run
    const events = await api('GET', `/api/admin/events?subjectType=backtest&subjectId=${started.body.backtest.id}&eventType=backtest_started`, undefined, 'compliance');
    expect(events.body.events[0].summary).toMatch(/^Started a control run of live rule set 1,/);
  });

  it('covers the transactions scored when it was asked for, not those arriving in its range after', async () => {
    // a backtest asked for at the moment the first half of the live transactions had been scored
    const recorded = await stack.db('scoring_inputs as si')
      .join('transactions as t', 't.transaction_ref', 'si.transaction_ref')
      .whereIn('si.transaction_ref', liveRefs)
      .orderByRaw('greatest(si.recorded_at, t.scored_at)')
      .select<{ at: Date }[]>(stack.db.raw('greatest(si.recorded_at, t.scored_at) as at'));
    const asOf = recorded[Math.floor(LIVE / 2)]!.at;
    const expected = recorded.filter((r) => r.at.getTime() <= asOf.getTime()).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(LIVE);
    const id = randomUUID();
    await stack.db('backtests').insert({ id, status: 'running', candidate_rule_set_version: 1, from_at: from, to_at: new Date(Date.parse(END) + 1).toISOString(), requested_by: users.admin, requested_at: asOf, workflow_id: backtestWorkflowId(id) });
    await stack.client.workflow.start('whatIfBacktest', { taskQueue: stack.taskQueue, workflowId: backtestWorkflowId(id), args: [{ backtestId: id }] });
    const { backtest, report } = await completedReport(id);
    expect(backtest).toMatchObject({ total: expected, processed: expected });
    expect(report.transactions).toBe(expected);
  });

  it('a worker killed during a backtest: it resumes and finishes with the same report', { timeout: 600_000 }, async () => {
    await stack.stopWorker();
    let worker = await workerProcessOnStack();
    const to = new Date(Date.parse(END) + 1).toISOString();
    // one transaction per batch, so the kill lands between and inside batches
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: candidateVersion, from, to, batchSize: 1 }, 'admin');
    expect(started.status).toBe(201);
    const id = started.body.backtest.id;
    const progress = await eventually(async () => {
      const res = await api('GET', `/api/admin/backtests/${id}`, undefined, 'admin');
      return res.body.progress && res.body.progress.processed >= 5 ? res.body : undefined;
    }, 'the backtest under way', 300_000);
    expect(progress.progress).toMatchObject({ stage: 'rescoring', total: LIVE });
    await worker.kill('SIGKILL');
    const atKill = await stack.db('backtests').where({ id }).first();
    expect(atKill.status).toBe('running');
    // killed mid-run: some batches done, some not
    expect(atKill.processed).toBeGreaterThan(0);
    expect(atKill.processed).toBeLessThan(LIVE);

    worker = await workerProcessOnStack();
    const { backtest, report } = await completedReport(id);
    expect(backtest.processed).toBe(LIVE);
    expect(report).toEqual(firstReport);
    await worker.kill('SIGKILL');
    await stack.startWorker();
  });

  it('a running backtest can be cancelled by an admin', { timeout: 300_000 }, async () => {
    const to = new Date(Date.parse(END) + 1).toISOString();
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: candidateVersion, from, to, batchSize: 1 }, 'admin');
    const id = started.body.backtest.id;
    expect((await api('POST', `/api/admin/backtests/${id}/cancel`, {}, 'compliance')).status).toBe(403);
    const cancelled = await api('POST', `/api/admin/backtests/${id}/cancel`, {}, 'admin');
    expect(cancelled.status).toBe(202);
    const row = await eventually(async () => {
      const r = await stack.db('backtests').where({ id }).first();
      return r.status === 'running' ? undefined : r;
    }, 'the backtest stopped', 120_000);
    expect(row.status).toBe('cancelled');
    expect((await api('GET', `/api/admin/backtests/${id}/report`, undefined, 'admin')).status).toBe(409);
    // what it re-scored before the cancel is part of no report: its cells are not listed either
    const cell = await api('GET', `/api/admin/backtests/${id}/transactions?changedOnly=false`, undefined, 'compliance');
    expect(cell.status).toBe(409);
    expect(cell.body.message).toMatch(/cancelled/);
    expect((await api('POST', `/api/admin/backtests/${id}/cancel`, {}, 'admin')).status).toBe(409);
    const listed = await api('GET', '/api/admin/backtests', undefined, 'compliance');
    expect(listed.body.backtests[0]).toMatchObject({ id, status: 'cancelled' });
  });
});

describe('shadow runs and promotion', () => {
  let candidateVersion: number;
  let shadowId: string;
  let shadowRefs: string[] = [];
  const END2 = new Date(Date.parse(END) + 86_400_000).toISOString();

  it('puts a candidate in shadow: each new live transaction is also scored with it, never acted on', { timeout: 400_000 }, async () => {
    candidateVersion = (await api('GET', '/api/admin/rule-sets', undefined, 'admin')).body.ruleSets.find((r: any) => r.status === 'draft').version;
    expect((await api('POST', '/api/admin/shadow-runs', { ruleSetVersion: candidateVersion }, 'compliance')).status).toBe(403);
    expect((await api('POST', '/api/admin/shadow-runs', { ruleSetVersion: 1 }, 'admin')).status).toBe(409);
    expect((await api('POST', '/api/admin/shadow-runs', { ruleSetVersion: 999 }, 'admin')).status).toBe(404);
    expect((await api('POST', '/api/admin/shadow-runs', { ruleSetVersion: candidateVersion, endsAt: 'soon' }, 'admin')).body.field).toBe('endsAt');
    const started = await api('POST', '/api/admin/shadow-runs', { ruleSetVersion: candidateVersion, note: 'a week beside live' }, 'admin');
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    shadowId = started.body.shadowRun.id;
    expect(started.body.shadowRun).toMatchObject({ status: 'running', candidateRuleSetVersion: candidateVersion, startedBy: users.admin, transactions: 0 });
    // the scorer re-reads the running shadow runs every SHADOW_REFRESH_MS (2 s)
    await new Promise((r) => setTimeout(r, 2_500));

    // the same customers' next day
    const rows = generateHistory({ seed: DEMO_SEED, customers: 25, days: 7, endAt: END2, fraudRate: 0.08, refPrefix: `SH-${run}-` }).filter((r) => r.occurred_at >= END);
    expect(rows.length).toBeGreaterThan(10);
    ({ liveRefs: shadowRefs } = await scoreGeneratedHistory(stack, rows, rows.length));

    const stopped = await api('POST', `/api/admin/shadow-runs/${shadowId}/stop`, {}, 'admin');
    expect(stopped.status).toBe(200);
    expect(stopped.body.shadowRun).toMatchObject({ status: 'stopped', stoppedBy: users.admin, transactions: shadowRefs.length });
    expect((await api('POST', `/api/admin/shadow-runs/${shadowId}/stop`, {}, 'admin')).status).toBe(409);
    // live went on with the live version: every transaction names version 1
    const versions = await stack.db('transactions').whereIn('transaction_ref', shadowRefs).distinct('rule_set_version');
    expect(versions).toEqual([{ rule_set_version: 1 }]);
  });

  it("the shadow results match a backtest of the same transactions, and the comparison shows live vs shadow", { timeout: 300_000 }, async () => {
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: candidateVersion, from: END, to: END2 }, 'admin');
    expect(started.status).toBe(201);
    const { report } = await completedReport(started.body.backtest.id);
    expect(report.transactions).toBe(shadowRefs.length);

    const shadow = await stack.db('shadow_results').where({ shadow_run_id: shadowId }).orderBy('transaction_ref').select('transaction_ref', 'points', 'level', 'hits');
    const backtest = await stack.db('backtest_results').where({ backtest_id: started.body.backtest.id }).orderBy('transaction_ref').select('transaction_ref', 'candidate_points', 'candidate_level', 'candidate_hits');
    // Tazama is off here, so the shadow's score before Tazama is the whole candidate score
    expect(shadow.map((s) => [s.transaction_ref, s.points, s.level, s.hits])).toEqual(backtest.map((b) => [b.transaction_ref, b.candidate_points, b.candidate_level, b.candidate_hits]));

    const comparison = await api('GET', `/api/admin/shadow-runs/${shadowId}/comparison`, undefined, 'compliance');
    expect(comparison.status).toBe(200);
    expect(comparison.body.report.matrix).toEqual(report.matrix);
    expect(comparison.body.report.live).toEqual(report.live);
    expect(comparison.body.report.candidate).toEqual(report.candidate);
    expect(comparison.body.differing.map((d: any) => d.transactionRef).sort()).toEqual(report.cells.flatMap((c: any) => c.transactionRefs).sort());
    const listed = await api('GET', '/api/admin/shadow-runs', undefined, 'compliance');
    expect(listed.body.shadowRuns[0]).toMatchObject({ id: shadowId, status: 'stopped' });

    // each cell opens with both scores and the label, exactly as the backtest's does (every cell of
    // the matrix, the unchanged ones too: a shadow week need not move anything)
    const cellOf = (path: string, query: string) => api('GET', `${path}/transactions?${query}`, undefined, 'compliance');
    let opened = 0;
    for (const live of ['low', 'medium', 'high'] as const) {
      for (const candidate of ['low', 'medium', 'high'] as const) {
        const query = `live=${live}&candidate=${candidate}`;
        const [inShadow, inBacktest] = await Promise.all([cellOf(`/api/admin/shadow-runs/${shadowId}`, query), cellOf(`/api/admin/backtests/${started.body.backtest.id}`, query)]);
        expect(inShadow.status).toBe(200);
        expect(inShadow.body.total).toBe(report.matrix[live][candidate]);
        expect(inShadow.body.transactions).toEqual(inBacktest.body.transactions);
        for (const t of inShadow.body.transactions) {
          expect(t).toMatchObject({ liveLevel: live, candidateLevel: candidate, livePoints: expect.any(Number), candidatePoints: expect.any(Number) });
          expect(t.label === null || ['fraud', 'legitimate'].includes(t.label)).toBe(true);
        }
        opened += inShadow.body.transactions.length;
      }
    }
    expect(opened).toBe(shadowRefs.length);
    // without a cell: every transaction that changes level; paged like the backtest's
    const changed = await cellOf(`/api/admin/shadow-runs/${shadowId}`, '');
    expect(changed.body.total).toBe(comparison.body.differing.length);
    expect(changed.body.transactions.map((t: any) => t.transactionRef)).toEqual(comparison.body.differing.map((d: any) => d.transactionRef));
    const everything = await cellOf(`/api/admin/shadow-runs/${shadowId}`, 'changedOnly=false&limit=2&offset=1');
    expect(everything.body.total).toBe(shadowRefs.length);
    expect(everything.body.transactions).toEqual((await cellOf(`/api/admin/backtests/${started.body.backtest.id}`, 'changedOnly=false&limit=2&offset=1')).body.transactions);
    expect((await cellOf(`/api/admin/shadow-runs/${shadowId}`, 'live=extreme')).body.field).toBe('live');
    expect((await cellOf(`/api/admin/shadow-runs/${shadowId}`, 'limit=5001')).body.field).toBe('limit');
    expect((await cellOf(`/api/admin/shadow-runs/${randomUUID()}`, '')).status).toBe(404);
    expect((await api('GET', `/api/admin/shadow-runs/${shadowId}/transactions`, undefined, 'analyst')).status).toBe(403);
  });

  it('promotes the tried candidate as a new version, which a second person must approve', async () => {
    const untried = structuredClone((await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.content);
    untried.scoring.levels.medium = 4500;
    const draft = await api('POST', '/api/admin/rule-sets', { content: untried, reason: 'not tried yet' }, 'admin');
    expect(draft.status).toBe(201);
    expect((await api('POST', `/api/admin/rule-sets/${draft.body.ruleSet.version}/promote`, { reason: 'go ahead' }, 'admin')).status).toBe(409);
    expect((await api('POST', `/api/admin/rule-sets/${candidateVersion}/promote`, { reason: 'go ahead' }, 'compliance')).status).toBe(403);

    const promoted = await api('POST', `/api/admin/rule-sets/${candidateVersion}/promote`, { reason: 'the backtest and the shadow week agree' }, 'admin');
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(201);
    const v = promoted.body.ruleSet.version;
    expect(promoted.body.ruleSet).toMatchObject({ status: 'draft', baseVersion: 1, proposedBy: users.admin });
    expect(promoted.body.ruleSet.reason).toMatch(new RegExp(`^promotion of version ${candidateVersion} \\(backtest .+, shadow run ${shadowId}\\)`));
    expect(promoted.body.changes).toEqual([{ path: 'scoring.levels.medium', from: live1Medium(), to: candidateMedium }]);
    expect((await api('POST', `/api/admin/rule-sets/${v}/approve`, {}, 'admin')).status).toBe(403);
    const approved = await api('POST', `/api/admin/rule-sets/${v}/approve`, { note: 'seen the reports' }, 'compliance');
    expect(approved.status).toBe(200);
    expect((await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet.version).toBe(v);
    const steps = await api('GET', `/api/admin/events?subjectType=rule_set&subjectId=${v}`, undefined, 'compliance');
    expect(steps.body.events.map((e: any) => [e.eventType, e.actor, e.summary]).reverse()).toEqual([
      ['rule_set_proposed', users.admin, `Promoted version ${candidateVersion} as version ${v} against live version 1: 1 change: scoring.levels.medium ${live1Medium()} → ${candidateMedium}`],
      ['rule_set_approved', users.compliance, `Approved version ${v}: live from then on, replacing version 1`],
    ]);
  });
});

function live1Medium(): number {
  return stack.config.scoring.levels.medium;
}
