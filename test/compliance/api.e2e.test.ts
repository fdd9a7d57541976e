// Compliance end to end on the real parts: a lifecycle run on the dev server (real worker, real
// PostgreSQL), the API over HTTP on a free loopback port, and the CLI as a child process.
// A high-risk transaction is taken and blocked by a senior analyst (decide update); a low-risk one
// is approved automatically. Then its history is exported, replayed, tampered with, and audited.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { lifecycleWorkflowId, type Role } from '../../workflows/lifecycle/definitions';
import { uniqueRef } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = uniqueRef('cmp');
const PASSWORD = `pw-${run}-secret`;
const users: Record<Role, string> = { analyst: `${run}-analyst`, senior_analyst: `${run}-senior`, compliance: `${run}-compliance`, admin: `${run}-admin` };
const tokens = {} as Record<Role, string>;
/** what people type ends up in reports: it must arrive intact in CSV and escaped in HTML */
const NOTE = `Customer denies it <b>"not mine"</b> & card reported lost`;

let stack: KingaTestStack;
let testApi: TestApi;
let baseUrl: string;
let tmp: string;
let started: Date;
const HIGH_REF = `${run}-HIGH`;
const LOW_REF = `${run}-LOW`;
let caseId: number;

/** Not test/helpers' jsonClient: exports answer CSV and HTML too, so the text is kept and JSON is parsed only when it is JSON. */
async function api(method: string, url: string, as?: Role, body?: unknown): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV, HTML
  }
  return { status: res.status, headers: res.headers, text, json };
}

const everyday = transactionFactory(run);
/** An everyday purchase (LOW) with the given reference, changed by `overrides`. */
const transaction = (ref: string, overrides: Record<string, unknown>) => ({ ...everyday(), transactionRef: ref, ...overrides });

/** The CLI as an operator runs it: its own process, configured through the environment. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'compliance.ts'), ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        DATABASE_URL: inject('databaseUrl'),
        KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  started = new Date(Date.now() - 1000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-compliance-'));
  stack = await createTestStack({ ANOMALY_ENABLED: 'false', KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath') });
  await stack.startWorker();
  for (const [role, username] of Object.entries(users) as [Role, string][]) {
    await createUser(stack.db, { username, displayName: `Compliance test ${role}`, password: PASSWORD, role });
  }
  testApi = await startTestApi(stack, {
    users: (Object.keys(users) as Role[]).map((role) => ({ username: users[role], password: PASSWORD, as: role })),
    tokens,
  });
  baseUrl = testApi.baseUrl;

  // a low-risk transaction, approved by the lifecycle itself
  expect((await api('POST', '/api/transactions', 'analyst', transaction(LOW_REF, {}))).status).toBe(202);
  // a high-risk one: a case that a senior analyst takes and blocks through the decide update
  const high = transaction(HIGH_REF, { amount: '12000000.00', type: 'transfer', channel: 'online', merchantId: null, merchantName: null });
  expect((await api('POST', '/api/transactions', 'analyst', high)).status).toBe(202);
  caseId = await eventually(async () => {
    const res = await api('GET', `/api/transactions/${HIGH_REF}`, 'senior_analyst');
    return res.status === 200 && res.json.case ? Number(res.json.case.id) : undefined;
  }, 'the case of the high-risk transaction');
  expect((await api('POST', `/api/cases/${caseId}/assignment`, 'senior_analyst')).status).toBe(200);
  const decided = await api('POST', `/api/cases/${caseId}/decision`, 'senior_analyst', { decision: 'block', note: NOTE });
  expect(decided.status, decided.text).toBe(200);
  await stack.client.workflow.getHandle(lifecycleWorkflowId(HIGH_REF)).result();
  await stack.client.workflow.getHandle(lifecycleWorkflowId(LOW_REF)).result();
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('export', () => {
  it("gives Temporal's JSON history, the same document `temporal workflow show --output json` writes", async () => {
    const res = await api('GET', `/api/compliance/transactions/${HIGH_REF}/history`, 'compliance');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="txn-${HIGH_REF}.history.json"`);
    expect(res.headers.get('x-workflow-id')).toBe(lifecycleWorkflowId(HIGH_REF));
    expect(res.json.events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });

    const shown = await promisify(execFile)(
      inject('temporalCliPath'),
      ['workflow', 'show', '--workflow-id', lifecycleWorkflowId(HIGH_REF), '--output', 'json', '--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace')],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(res.json).toEqual(JSON.parse(shown.stdout));

    // by workflow id as well as by transaction reference
    const byId = await api('GET', `/api/compliance/transactions/${lifecycleWorkflowId(HIGH_REF)}/history`, 'compliance');
    expect(byId.json).toEqual(res.json);
    expect((await api('GET', `/api/compliance/transactions/${run}-NOPE/history`, 'compliance')).status).toBe(404);
  });
});

describe('replay', () => {
  it('by workflow id: deterministic, with the decision path — score breakdown, the decision, its actor and note', async () => {
    const res = await api('POST', '/api/compliance/replay', 'compliance', { workflowId: lifecycleWorkflowId(HIGH_REF) });
    expect(res.status, res.text).toBe(200);
    expect(res.json.source).toEqual({ kind: 'cluster', workflowId: lifecycleWorkflowId(HIGH_REF) });
    expect(res.json.replay).toMatchObject({ verdict: 'deterministic', workflowId: lifecycleWorkflowId(HIGH_REF), workflowType: 'transactionLifecycle' });
    const p = res.json.decisionPath;
    expect(p).toMatchObject({ transactionRef: HIGH_REF, complete: true, score: { level: 'high' }, outcome: { status: 'blocked', decision: 'block', decidedBy: users.senior_analyst, caseId } });
    const kinds = p.steps.map((s: any) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['workflow_started', 'transaction_loaded', 'scored', 'routed', 'case_opened', 'decision_update', 'case_change', 'workflow_closed']));
    const scored = p.steps.find((s: any) => s.kind === 'scored');
    expect(scored.data.rules.find((r: any) => r.rule === 'amount')).toMatchObject({ hit: true });
    const update = p.steps.find((s: any) => s.kind === 'decision_update');
    expect(update.data).toMatchObject({ outcome: 'applied', input: { decision: 'block', note: NOTE, actor: { username: users.senior_analyst, role: 'senior_analyst' } } });
    for (const s of p.steps) expect(s).toMatchObject({ eventId: expect.any(Number), at: expect.any(String), title: expect.any(String) });
  });

  it('an uploaded export: deterministic; the same export tampered with: diverged, naming the event', async () => {
    const exported = (await api('GET', `/api/compliance/transactions/${HIGH_REF}/history`, 'compliance')).json;
    const ok = await api('POST', '/api/compliance/replay', 'compliance', { history: exported, name: 'export.json' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.source).toEqual({ kind: 'file', name: 'export.json' });
    expect(ok.json.replay.verdict).toBe('deterministic');
    // a bare history document as the body works too
    expect((await api('POST', '/api/compliance/replay', 'compliance', exported)).json.replay.verdict).toBe('deterministic');

    const tampered = structuredClone(exported);
    const target = tampered.events.find((e: any) => e.activityTaskScheduledEventAttributes?.activityType.name === 'openCase');
    target.activityTaskScheduledEventAttributes.activityType.name = 'skipTheCase';
    const bad = await api('POST', '/api/compliance/replay', 'compliance', { history: tampered });
    expect(bad.status, bad.text).toBe(200);
    expect(bad.json.replay).toMatchObject({
      verdict: 'diverged',
      errorName: 'DeterminismViolationError',
      sdkMessage: expect.stringMatching(/^\[TMPRL1100\].*'skipTheCase'/),
      divergence: { eventId: Number(target.eventId), eventType: 'ActivityTaskScheduled', summary: 'ActivityTaskScheduled skipTheCase' },
    });
  });

  it('a corrupt file or something that is not a history: 400 naming what is wrong', async () => {
    const corrupt = await api('POST', '/api/compliance/replay', 'compliance', { historyText: '{"events": [{"eventId": "1", ', name: 'broken.json' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.json).toMatchObject({ error: 'invalid_request', field: 'history', message: expect.stringMatching(/^history file broken\.json is not valid JSON/) });

    const notHistory = await api('POST', '/api/compliance/replay', 'compliance', { history: { transactionRef: HIGH_REF, status: 'blocked' } });
    expect(notHistory.status).toBe(400);
    expect(notHistory.json.message).toMatch(/is not a Temporal history: it has no "events" array \(its keys: transactionRef, status\)/);

    const badEvents = await api('POST', '/api/compliance/replay', 'compliance', { events: [{ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' }] });
    expect(badEvents.status).toBe(400);
    expect(badEvents.json).toMatchObject({ field: 'history.events[0]', message: expect.stringMatching(/events\[0\].*exactly one …EventAttributes object, found none/) });

    const nothing = await api('POST', '/api/compliance/replay', 'compliance', {});
    expect(nothing.status).toBe(400);
    expect(nothing.json.message).toMatch(/workflowId.*history/);

    const rawCorrupt = await fetch(`${baseUrl}/api/compliance/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.compliance}` },
      body: '{"events": [',
    });
    expect(rawCorrupt.status).toBe(400);
    expect(await rawCorrupt.json()).toMatchObject({ message: 'body: is not valid JSON' });

    expect((await api('POST', '/api/compliance/replay', 'compliance', { workflowId: `txn-${run}-missing` })).status).toBe(404);
  });
});

describe('audit report', () => {
  it('JSON: the database trail and the workflow history side by side, matched and consistent', async () => {
    const res = await api('GET', `/api/compliance/transactions/${HIGH_REF}/audit`, 'compliance');
    expect(res.status, res.text).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({ transactionRef: HIGH_REF, workflowId: lifecycleWorkflowId(HIGH_REF), generatedBy: users.compliance, historyError: null, replay: null });
    expect(r.transaction).toMatchObject({ status: 'blocked', riskLevel: 'high', amount: '12000000.00' });
    expect(r.case).toMatchObject({ caseId, decision: 'block', decidedBy: users.senior_analyst, decisionNote: NOTE });
    expect(r.summary).toMatchObject({ databaseEvents: 4, matched: 3, databaseOnly: 1, inconsistencies: 0, consistent: true });
    expect(r.rows.filter((row: any) => row.source === 'both').map((row: any) => row.db.eventType)).toEqual(['scored', 'case_opened', 'blocked']);
    expect(r.rows.find((row: any) => row.db?.eventType === 'case_assigned')).toMatchObject({ source: 'database', consistent: true, db: { actor: users.senior_analyst } });
    const times = r.rows.map((row: any) => Date.parse(row.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const withReplay = await api('GET', `/api/compliance/transactions/${HIGH_REF}/audit?replay=true`, 'compliance');
    expect(withReplay.json.replay).toMatchObject({ verdict: 'deterministic' });
    const unknown = await api('GET', `/api/compliance/transactions/${run}-NOPE/audit`, 'compliance');
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/is not known/);
  });

  it('CSV: one row per event with the database side and the workflow side', async () => {
    const res = await api('GET', `/api/compliance/transactions/${HIGH_REF}/audit.csv`, 'compliance');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="audit-${HIGH_REF}.csv"`);
    const records = parse(res.text, { columns: true }) as Record<string, string>[];
    // database events, with the history event that wrote each
    const blocked = records.find((r) => r.db_event_type === 'blocked')!;
    expect(blocked).toMatchObject({ source: 'both', consistent: 'yes', db_actor: users.senior_analyst, db_note: NOTE, wf_event_type: 'ActivityTaskCompleted', wf_step: 'case_change' });
    expect(records.find((r) => r.db_event_type === 'case_assigned')).toMatchObject({ source: 'database', wf_event_id: '' });
    // workflow events with no database row of their own
    expect(records.find((r) => r.wf_event_type === 'WorkflowExecutionStarted')).toMatchObject({ source: 'workflow', db_event_id: '' });
    expect(records.find((r) => r.wf_step === 'scored')).toMatchObject({ wf_event_type: 'MarkerRecorded' });
    expect(records.find((r) => r.wf_step === 'decision_update')!.wf_title).toContain(`block by ${users.senior_analyst}`);
    expect(records.every((r) => r.transaction_ref === HIGH_REF)).toBe(true);
  });

  it('printable page: escaped, with print CSS and the replay verdict', async () => {
    const res = await api('GET', `/api/compliance/transactions/${HIGH_REF}/audit.html`, 'compliance');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.text).toContain(`Audit report — transaction ${HIGH_REF}`);
    expect(res.text).toContain('Replay verdict: deterministic.');
    expect(res.text).toContain('Customer denies it &lt;b&gt;&quot;not mine&quot;&lt;/b&gt; &amp; card reported lost');
    expect(res.text).not.toContain('<b>"not mine"</b>');
    expect(res.text).toMatch(/@media print/);
    expect(res.text).toContain('12,000,000.00 KES');
  });

  it('decisions in a date range, with their actors, as JSON and CSV', async () => {
    const from = started.toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api('GET', `/api/compliance/decisions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, 'compliance');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ from, truncated: false });
    const ours = res.json.decisions.filter((d: any) => d.transactionRef === HIGH_REF || d.transactionRef === LOW_REF);
    expect(ours.map((d: any) => [d.transactionRef, d.decision, d.actor])).toEqual(
      expect.arrayContaining([
        [LOW_REF, 'auto_approve', 'system:lifecycle'],
        [HIGH_REF, 'block', users.senior_analyst],
      ]),
    );
    expect(ours.find((d: any) => d.decision === 'block')).toMatchObject({ actorRole: 'senior_analyst', note: NOTE, riskLevel: 'high', amount: '12000000.00', caseId });

    const csv = await api('GET', `/api/compliance/decisions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv`, 'compliance');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r.transaction_ref === HIGH_REF)).toMatchObject({ decision: 'block', actor: users.senior_analyst, actor_role: 'senior_analyst', note: NOTE, case_id: String(caseId) });

    const before = await api('GET', '/api/compliance/decisions?from=2020-01-01&to=2020-01-02', 'compliance');
    expect(before.json.decisions.some((d: any) => d.transactionRef === HIGH_REF)).toBe(false);
    const backwards = await api('GET', `/api/compliance/decisions?from=2026-11-02&to=2026-11-01`, 'compliance');
    expect(backwards.status).toBe(400);
    expect(backwards.json).toMatchObject({ field: 'to', message: 'to: must be after from' });
    expect((await api('GET', '/api/compliance/decisions?from=yesterday&to=2026-11-01', 'compliance')).json.field).toBe('from');
  });

  it('decisions a page at a time: limit and offset, the total of the range, each decision on one page only', async () => {
    const range = `from=${encodeURIComponent(started.toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const whole = await api('GET', `/api/compliance/decisions?${range}`, 'compliance');
    const all = whole.json.decisions.map((d: any) => d.eventId);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(whole.json).toMatchObject({ offset: 0, total: all.length, truncated: false });
    const first = await api('GET', `/api/compliance/decisions?${range}&limit=1`, 'compliance');
    expect(first.json).toMatchObject({ count: 1, offset: 0, total: all.length, truncated: true });
    const pages = [first.json.decisions[0].eventId];
    for (let offset = 1; offset < all.length; offset++) {
      const page = await api('GET', `/api/compliance/decisions?${range}&limit=1&offset=${offset}`, 'compliance');
      expect(page.json).toMatchObject({ count: 1, offset, total: all.length, truncated: offset < all.length - 1 });
      pages.push(page.json.decisions[0].eventId);
    }
    expect(pages).toEqual(all);
    const past = await api('GET', `/api/compliance/decisions?${range}&limit=1&offset=${all.length}`, 'compliance');
    expect(past.json).toMatchObject({ count: 0, offset: all.length, total: all.length, truncated: false, decisions: [] });
    for (const bad of ['offset=-1', 'offset=two', 'limit=0']) {
      const res = await api('GET', `/api/compliance/decisions?${range}&${bad}`, 'compliance');
      expect(res.status, bad).toBe(400);
      expect(res.json.field, bad).toBe(bad.split('=')[0]);
    }
  });
});

describe('who may use it', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', `/api/compliance/transactions/${HIGH_REF}/history`],
    ['GET', `/api/compliance/transactions/${HIGH_REF}/decision-path`],
    ['GET', `/api/compliance/transactions/${HIGH_REF}/audit`],
    ['GET', `/api/compliance/transactions/${HIGH_REF}/audit.csv`],
    ['GET', `/api/compliance/transactions/${HIGH_REF}/audit.html`],
    ['POST', '/api/compliance/replay', { workflowId: lifecycleWorkflowId(HIGH_REF) }],
    ['GET', '/api/compliance/decisions?from=2026-11-01&to=2026-12-01'],
  ];

  it('the compliance role only: analysts, senior analysts and admins get 403; no token 401', async () => {
    for (const [method, url, body] of routes) {
      for (const role of ['analyst', 'senior_analyst', 'admin'] as Role[]) {
        const res = await api(method, url, role, body);
        expect(res.status, `${role} ${method} ${url}`).toBe(403);
        expect(res.json.message).toMatch(/needs compliance/);
      }
      expect((await api(method, url, undefined, body)).status, `anonymous ${method} ${url}`).toBe(401);
    }
    expect((await api('GET', `/api/compliance/transactions/${HIGH_REF}/decision-path`, 'compliance')).json.outcome.decidedBy).toBe(users.senior_analyst);
  });
});

describe('the CLI', () => {
  it('export, then replay of the file: deterministic; tampered, corrupt and non-history files: exit codes 1 and 2', async () => {
    const file = path.join(tmp, 'high.json');
    const exported = await cli(['export', HIGH_REF, '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(json).toEqual((await api('GET', `/api/compliance/transactions/${HIGH_REF}/history`, 'compliance')).json);

    const tampered = structuredClone(json);
    const target = tampered.events.find((e: any) => e.activityTaskScheduledEventAttributes?.activityType.name === 'openCase');
    target.activityTaskScheduledEventAttributes.activityType.name = 'skipTheCase';
    fs.writeFileSync(path.join(tmp, 'tampered.json'), JSON.stringify(tampered));
    fs.writeFileSync(path.join(tmp, 'corrupt.json'), fs.readFileSync(file, 'utf8').slice(0, 500));
    fs.writeFileSync(path.join(tmp, 'not-history.json'), JSON.stringify({ workflowId: 'x', status: 'COMPLETED' }));

    const [replayed, diverged, corrupt, notHistory, usage] = await Promise.all([
      cli(['replay', '--file', file]),
      cli(['replay', '--file', path.join(tmp, 'tampered.json')]),
      cli(['replay', '--file', path.join(tmp, 'corrupt.json')]),
      cli(['replay', '--file', path.join(tmp, 'not-history.json')]),
      cli(['replay']),
    ]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/^Decision path of txn-/);
    expect(replayed.stdout).toContain(`update decide accepted: block by ${users.senior_analyst} (senior_analyst)`);
    expect(replayed.stdout).toMatch(/scored +score [\d.]+ → high risk/);
    expect(replayed.stdout).toMatch(/Verdict: DETERMINISTIC/);

    expect(diverged.code, diverged.stderr).toBe(1);
    expect(diverged.stdout).toMatch(/Verdict: DIVERGED/);
    expect(diverged.stdout).toContain(`First divergence: event ${target.eventId} (ActivityTaskScheduled skipTheCase)`);
    expect(diverged.stdout).toMatch(/DeterminismViolationError: \[TMPRL1100\]/);

    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/corrupt\.json is not valid JSON/);
    expect(notHistory.code).toBe(2);
    expect(notHistory.stderr).toMatch(/not-history\.json is not a Temporal history: it has no "events" array/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/exactly one of --workflow-id ID or --file/);
  });

  it('audit --csv and decisions --csv from the database and the cluster', async () => {
    const [audit, decisions] = await Promise.all([
      cli(['audit', HIGH_REF, '--csv']),
      cli(['decisions', '--from', started.toISOString(), '--to', new Date(Date.now() + 60_000).toISOString(), '--csv']),
    ]);
    expect(audit.code, audit.stderr).toBe(0);
    const rows = parse(audit.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.db_event_type === 'blocked')).toMatchObject({ source: 'both', wf_step: 'case_change' });
    expect(rows.some((r) => r.source === 'workflow' && r.wf_event_type === 'WorkflowExecutionCompleted')).toBe(true);
    expect(decisions.code, decisions.stderr).toBe(0);
    const decided = parse(decisions.stdout, { columns: true }) as Record<string, string>[];
    expect(decided.find((r) => r.transaction_ref === HIGH_REF)).toMatchObject({ decision: 'block', actor: users.senior_analyst });
  });
});
