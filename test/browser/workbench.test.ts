// The analyst workbench in a real browser (Debian's Chromium via playwright-core) against the real
// API, worker, Temporal and PostgreSQL: decide a medium case, be refused on a high one, four-eyes,
// live updates in the monitor and the queue, and compliance proving a decision by replay. Saves a
// screenshot of every page to docs/screenshots/.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, DEMO_USERS, seedDemoUsers } from '../../api/users/service';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { jsonClient } from '../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';
import { eventually } from '../lifecycle/context';
import { screenshot, signIn, startBrowserHarness, type BrowserHarness } from './harness';

let h: BrowserHarness;
const run = randomUUID().slice(0, 6);
const SENIOR2 = `senior2-${run}`;
const tokens: Record<string, string> = {};
const password = (u: string) => DEMO_USERS.find((d) => d.username === u)?.password ?? 'second-senior-password';

const json = jsonClient(() => h.baseUrl, tokens);
/** Most calls here are amina's. */
const api = (method: string, path: string, body?: unknown, as = 'amina') => json(method, path, body, as);

const everyday = transactionFactory(`UI-${run}`);
let seq = 0;
/** Three customers take turns, so a case has the customer's other transactions to show. */
const transaction = (overrides: Record<string, unknown> = {}) => everyday({ customerId: `CUST-${run}-${++seq % 3}`, ...overrides });

async function ingest(txn: ReturnType<typeof transaction>): Promise<void> {
  const res = await api('POST', '/api/transactions', txn);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

/** The case id once the workflow opened the case. */
async function caseOf(ref: string): Promise<number> {
  return eventually(async () => {
    const res = await api('GET', `/api/transactions/${ref}`);
    return res.status === 200 && res.body.case ? Number(res.body.case.id) : undefined;
  }, `a case for ${ref}`);
}

async function openCase(page: Page, caseId: number): Promise<void> {
  await page.goto(`${h.baseUrl}/cases/${caseId}`);
  await page.getByTestId('score-breakdown').waitFor();
}

async function decide(page: Page, decision: 'approve' | 'block' | 'escalate', note: string): Promise<string> {
  await page.getByTestId(`decision-${decision}`).check();
  await page.getByLabel(/^Note/).fill(note);
  await page.getByTestId('decision-submit').click();
  if (decision === 'block') await page.getByTestId('confirm-block').click();
  const answer = page.getByTestId('decision-answer');
  await answer.waitFor();
  return (await answer.textContent())?.trim() ?? '';
}

const refs: Record<string, string> = {};
const cases: Record<string, number> = {};

beforeAll(async () => {
  h = await startBrowserHarness({ ANOMALY_ENABLED: 'false', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
  await seedDemoUsers(h.stack.db);
  await createUser(h.stack.db, { username: SENIOR2, displayName: 'Wanjiku Kamau', password: 'second-senior-password', role: 'senior_analyst' });
  for (const username of ['amina', 'baraka', SENIOR2]) {
    const res = await fetch(`${h.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: password(username) }) });
    tokens[username] = (await res.json()).token;
  }
  // a day's worth of traffic: low-risk ones, two medium cases (the older is the top one), a high one
  for (let i = 0; i < 8; i++) await ingest(transaction({ amount: `${1200 + i * 350}.00`, channel: ['pos', 'mobile', 'atm', 'online'][i % 4] }));
  const topMedium = transaction(MEDIUM_RISK);
  await ingest(topMedium);
  refs.topMedium = topMedium.transactionRef;
  cases.topMedium = await caseOf(topMedium.transactionRef);
  const secondMedium = transaction({ ...MEDIUM_RISK, city: 'Paris', country: 'FR' });
  await ingest(secondMedium);
  refs.secondMedium = secondMedium.transactionRef;
  cases.secondMedium = await caseOf(secondMedium.transactionRef);
  const high = transaction(HIGH_RISK);
  await ingest(high);
  refs.high = high.transactionRef;
  cases.high = await caseOf(high.transactionRef);
  // portfolio figures, as the risk-register schedule would write them
  await h.stack.db('risk_metrics').insert([
    { model: 'liquidity', metric: 'lcr', scope: 'book', value: '1.320000', threshold: '1.000000', status: 'ok', run_id: `ui-${run}`, details: '{}' },
    { model: 'credit', metric: 'large_transaction_frequency', scope: 'book', value: '0.041000', threshold: '0.050000', status: 'ok', run_id: `ui-${run}`, details: '{}' },
    { model: 'market', metric: 'fx_var_95', scope: 'book', value: '18500000.000000', threshold: '15000000.000000', status: 'breach', run_id: `ui-${run}`, details: '{}' },
  ]);
}, 400_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe('the analyst workbench in a browser', () => {
  it('login shows the role; navigation offers only what the role may use', async () => {
    const page = await h.context.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.waitForURL(/\/login/);
    await screenshot(page, 'login');
    await page.close();

    const analyst = await signIn(h, 'amina', password('amina'));
    expect(await analyst.getByTestId('header-role').textContent()).toBe('Analyst');
    const nav = analyst.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Case queue', 'Transaction monitor', 'Analytics', 'System']);
    await analyst.getByTestId('kpi-open').waitFor();
    await expect.poll(async () => analyst.getByTestId('kpi-volume').textContent()).toMatch(/Transactions today\s*11/);
    await screenshot(analyst, 'overview');
    await analyst.close();

    const compliance = await signIn(h, 'chebet', password('chebet'));
    await expect
      .poll(() => compliance.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents())
      .toEqual(['Overview', 'Case queue', 'Transaction monitor', 'Analytics', 'Risk register', 'Compliance', 'Admin', 'System']);
    await compliance.close();
  });

  it('an analyst opens the top medium case, sees the rule contributions and approves it with a note; it leaves the queue and the workflow closes with that actor', async () => {
    const page = await signIn(h, 'amina', password('amina'));
    await page.goto(`${h.baseUrl}/cases?level=medium`);
    const rows = page.locator('table.cases tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute('data-ref')).toBe(refs.topMedium);
    await screenshot(page, 'case-queue');

    await rows.first().getByRole('link').click();
    await page.getByTestId('score-breakdown').waitFor();
    expect(await page.getByTestId('score-total').textContent()).toBe('Score 0.75');
    const contribution = (rule: string) => page.locator(`tr[data-rule="${rule}"] [data-testid="rule-contribution"]`).textContent();
    expect(await contribution('location')).toBe('+0.45'); // the first transaction in GB for this customer
    expect(await contribution('amount')).toBe('+0.20');
    expect(await contribution('offHours')).toBe('+0.10');
    expect(await page.getByTestId('temporal-link').getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/${h.stack.config.temporal.namespace}/workflows/${lifecycleWorkflowId(refs.topMedium!)}`);
    await page.getByRole('button', { name: 'Take this case' }).click();
    await expect.poll(() => page.getByTestId('case-assignee').textContent()).toBe('amina');
    await screenshot(page, 'case-detail');

    const answer = await decide(page, 'approve', 'customer confirmed the London purchase by phone');
    expect(answer).toBe('Case approved and closed by amina.');
    await expect.poll(() => page.getByTestId('case-status').textContent()).toContain('approved by amina');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('customer confirmed the London purchase by phone');

    // the open queue now holds the other two cases only
    await page.getByRole('link', { name: '← Case queue' }).click();
    await page.locator(`tr[data-ref="${refs.high}"]`).waitFor();
    expect(await page.locator('table.cases tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ref')))).toEqual([refs.high, refs.secondMedium]);

    const shown = await api('GET', `/api/cases/${cases.topMedium}`);
    expect(shown.body.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'amina', decisionNote: 'customer confirmed the London purchase by phone' });
    const result = await h.stack.client.workflow.getHandle(lifecycleWorkflowId(refs.topMedium!)).result();
    expect(result.status).toBe('approved');
    expect(result.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'amina' });
    await page.close();
  });

  it('an analyst trying to decide a high-risk case sees the refusal reason; a senior analyst then blocks it', async () => {
    const analyst = await signIn(h, 'amina', password('amina'));
    await openCase(analyst, cases.high!);
    const refusal = await decide(analyst, 'approve', 'looks like a regular supplier payment');
    expect(refusal).toContain('Refused: role analyst may not decide this case: it needs senior_analyst (risk high, escalation level 0)');
    expect(await analyst.getByTestId('decision-answer').getAttribute('role')).toBe('alert');
    expect((await api('GET', `/api/cases/${cases.high}`)).body.case.status).toBe('assigned');
    await analyst.close();

    const senior = await signIn(h, 'baraka', password('baraka'));
    await openCase(senior, cases.high!);
    const answer = await decide(senior, 'block', 'beneficiary account opened yesterday; customer unreachable');
    expect(answer).toBe('Case blocked and closed by baraka.');
    const result = await h.stack.client.workflow.getHandle(lifecycleWorkflowId(refs.high!)).result();
    expect(result.status).toBe('blocked');
    expect(result.case).toMatchObject({ decision: 'block', decidedBy: 'baraka' });

    await senior.goto(`${h.baseUrl}/risk`);
    await senior.getByText(`Transaction ${refs.high} blocked as fraud`).waitFor();
    await screenshot(senior, 'risk-register');
    await senior.goto(`${h.baseUrl}/analytics`);
    await senior.getByText('Analyst throughput and SLA').waitFor();
    await screenshot(senior, 'analytics');
    await senior.close();
  });

  it('four-eyes: whoever escalated a case cannot close it; another senior analyst can', async () => {
    const analyst = await signIn(h, 'amina', password('amina'));
    await openCase(analyst, cases.secondMedium!);
    expect(await decide(analyst, 'escalate', 'Paris at night for this customer: needs a senior')).toBe('Case escalated to level 1; it now needs a senior analyst.');
    await analyst.close();

    const senior = await signIn(h, 'baraka', password('baraka'));
    await openCase(senior, cases.secondMedium!);
    expect(await decide(senior, 'escalate', 'asking management to look as well')).toBe('Case escalated to level 2; it now needs a senior analyst.');
    const refusal = await decide(senior, 'approve', 'on second thoughts it is fine');
    expect(refusal).toBe(`Refused: four-eyes: baraka escalated case ${cases.secondMedium} and may not close it`);
    await senior.close();

    const other = await signIn(h, SENIOR2, password(SENIOR2));
    await openCase(other, cases.secondMedium!);
    expect(await decide(other, 'approve', 'customer is travelling; confirmed with the branch')).toBe(`Case approved and closed by ${SENIOR2}.`);
    const result = await h.stack.client.workflow.getHandle(lifecycleWorkflowId(refs.secondMedium!)).result();
    expect(result.case).toMatchObject({ decision: 'approve', decidedBy: SENIOR2, escalatedBy: ['amina', 'baraka'] });
    await other.close();
  });

  it('a new transaction appears in the monitor and its case in the queue without a reload', async () => {
    const monitor = await signIn(h, 'amina', password('amina'));
    await monitor.goto(`${h.baseUrl}/monitor`);
    await expect.poll(() => monitor.getByTestId('live-status').textContent(), { timeout: 60_000 }).toBe('Live');
    const queue = await signIn(h, 'amina', password('amina'));
    await queue.goto(`${h.baseUrl}/cases`);
    await expect.poll(() => queue.getByTestId('live-status').textContent(), { timeout: 60_000 }).toBe('Live'); // a stream connects late on a busy machine
    const loads = { monitor: 0, queue: 0 };
    monitor.on('load', () => (loads.monitor += 1));
    queue.on('load', () => (loads.queue += 1));

    const fresh = transaction({ ...MEDIUM_RISK, city: 'Dubai', country: 'AE' });
    await ingest(fresh);
    const row = monitor.locator(`tr[data-ref="${fresh.transactionRef}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute('class')).toContain('row-medium');
    expect(await row.textContent()).toContain('Dubai, AE');
    await queue.locator(`tr[data-ref="${fresh.transactionRef}"]`).waitFor();
    expect(loads).toEqual({ monitor: 0, queue: 0 }); // no reload: both came over the event stream
    await screenshot(monitor, 'monitor');

    await monitor.goto(`${h.baseUrl}/system`);
    await monitor.getByTestId('api-health').waitFor();
    await screenshot(monitor, 'system');
    await monitor.close();
    await queue.close();
  });

  it('compliance finds the approved transaction, sees its timeline with the decision and its actor, exports it and replays it: deterministic', async () => {
    const page = await signIn(h, 'chebet', password('chebet'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Compliance' }).click();
    await page.getByTestId('compliance-empty').waitFor();
    // the decisions of the last days list this run's decisions with their actors
    const decided = page.locator(`[data-testid="decisions-table"] tr[data-ref="${refs.topMedium}"]`);
    await decided.waitFor();
    expect(await decided.textContent()).toContain('amina (Analyst)');

    // keyboard: type the reference and press Enter
    await page.getByLabel('Transaction reference').fill(refs.topMedium!);
    await page.getByLabel('Transaction reference').press('Enter');
    await page.getByTestId('decision-timeline').waitFor();
    expect(page.url()).toContain(`ref=${refs.topMedium}`);
    expect(await page.getByTestId('decision-outcome').textContent()).toMatch(/Approved — Approve by amina at .*customer confirmed the London purchase by phone/s);
    const decisionStep = page.locator('[data-testid="decision-step"][data-kind="decision_update"]');
    expect(await decisionStep.first().textContent()).toContain('approve by amina (analyst)');
    const timeline = (await page.getByTestId('decision-timeline').textContent()) ?? '';
    expect(timeline).toContain('customer confirmed the London purchase by phone');
    expect(timeline).toMatch(/score 0\.75 → medium risk/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-history').click()]);
    expect(download.suggestedFilename()).toBe(`${lifecycleWorkflowId(refs.topMedium!)}.history.json`);
    const historyText = fs.readFileSync(await download.path(), 'utf8');
    expect((JSON.parse(historyText) as { events: unknown[] }).events.length).toBeGreaterThan(10);

    await page.getByRole('button', { name: 'Replay against current code' }).click();
    const verdict = page.getByTestId('replay-verdict').first();
    // a replay is CPU work (the SDK replays the whole history): its wait must hold on a busy machine
    await verdict.waitFor({ timeout: 180_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('deterministic');
    expect(await verdict.textContent()).toContain('Verdict: deterministic');
    await screenshot(page, 'compliance');

    // the printable report opens in a tab of its own
    const [report] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('open-audit-page').click()]);
    await report.getByRole('heading', { name: `Audit report — transaction ${refs.topMedium}` }).waitFor();
    await report.close();

    // a corrupt history file gets the API's own complaint; the exported one replays cleanly
    const file = page.getByLabel('History file (JSON)');
    await file.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"events": [') });
    await page.getByTestId('file-error').waitFor();
    expect(await page.getByTestId('file-error').textContent()).toMatch(/^broken\.json could not be replayed: .*broken\.json/);
    await file.setInputFiles({ name: 'exported.json', mimeType: 'application/json', buffer: Buffer.from(historyText) });
    const fileVerdict = page.locator('[data-testid="replay-verdict"]', { hasText: 'exported.json' });
    await fileVerdict.waitFor({ timeout: 180_000 });
    expect(await fileVerdict.getAttribute('data-verdict')).toBe('deterministic');
    await page.close();
  }, 420_000);
  it('four-eyes rule change: an admin proposes a blacklist addition, a second admin approves it, a new transaction to that merchant becomes a case', async () => {
    const ADMIN2 = `admin2-${run}`;
    await createUser(h.stack.db, { username: ADMIN2, displayName: 'Neema Otieno', password: 'second-admin-password', role: 'admin' });
    const merchant = { merchantId: `M-SCAM-${run}`, merchantName: 'Quick Loans Kenya' };

    const proposer = await signIn(h, 'daudi', password('daudi'));
    await proposer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await proposer.getByTestId('live-version').waitFor();
    await proposer.getByLabel('Merchant id').fill(merchant.merchantId);
    await proposer.getByLabel('Merchant name (optional)').fill(merchant.merchantName);
    await proposer.getByLabel('Why this merchant').fill('collection account of a reported loan scam');
    await proposer.getByLabel('Reason for the change').fill('customers reported the scam');
    await proposer.getByRole('button', { name: 'Propose' }).click();
    const message = await proposer.getByTestId('admin-message').textContent();
    const version = Number(/Version (\d+) proposed/.exec(message ?? '')?.[1]);
    expect(version, message ?? '').toBeGreaterThan(1);
    // the proposer sees the diff but no approve button: a second person approves
    const draft = proposer.getByTestId(`draft-${version}`);
    await expect.poll(() => draft.textContent()).toContain(`blacklist.merchants[${merchant.merchantId}]`);
    expect(await proposer.getByTestId(`approve-${version}`).count()).toBe(0);
    await screenshot(proposer, 'admin');

    // nothing changed yet: the merchant is not blacklisted
    const before = transaction({ ...merchant });
    await ingest(before);
    await eventually(async () => {
      const res = await api('GET', `/api/transactions/${before.transactionRef}`);
      return res.status === 200 && res.body.status !== 'received' ? res.body : undefined;
    }, `${before.transactionRef} routed`).then((body) => expect(body.status).toBe('approved'));

    const approver = await signIn(h, ADMIN2, 'second-admin-password');
    await approver.goto(`${h.baseUrl}/admin`);
    await approver.getByTestId(`approve-${version}`).click();
    await expect.poll(() => approver.getByTestId('admin-message').textContent()).toContain(`Version ${version} approved`);
    await expect.poll(() => approver.getByTestId('live-version').textContent()).toContain(`Version ${version}`);

    const after = transaction({ ...merchant });
    await ingest(after);
    const caseId = await caseOf(after.transactionRef);
    const shown = await api('GET', `/api/transactions/${after.transactionRef}`);
    expect(shown.body.status).toBe('flagged');
    expect(caseId).toBeGreaterThan(0);
    await proposer.close();
    await approver.close();
  });
});
