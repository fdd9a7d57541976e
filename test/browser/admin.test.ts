// The admin area in a real browser against the real API, worker, Temporal and PostgreSQL: a backtest
// started from the UI, followed to its report (matrix, the transactions behind a cell, CSV); a
// shadow run started, compared live vs shadow (a cell with both scores) and stopped; a user created,
// re-roled, given a new password and disabled — created and disabled by keyboard alone — after which
// their login fails; a compliance officer reading a second admin's approval in the audit trail; the
// medium line lowered in the rule-set editor by keyboard (a problem first), proposed, approved by a
// second admin, after which a transaction that was low becomes a case under the new version.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUser, seedDemoUsers } from '../../api/users/service';
import { jsonClient } from '../helpers/http';
import { MEDIUM_RISK, transactionFactory } from '../helpers/transactions';
import { eventually } from '../lifecycle/context';
import { passwordOf, proposeLowerHigh, signInByKeyboard } from './fixtures';
import { screenshot, signIn, startBrowserHarness, type BrowserHarness } from './harness';

/** 0.45: a first purchase abroad (a country the customer never used), nothing else; low under medium 0.50 */
const FIRST_SEEN_ABROAD = { city: 'Kampala', country: 'UG' };

let h: BrowserHarness;
const run = randomUUID().slice(0, 6);
const tokens: Record<string, string> = {};
const api = jsonClient(() => h.baseUrl, tokens);
const txn = transactionFactory(`ADM-${run}`);
const mediumRefs: string[] = [];
let draft: number;

async function ingestAndRoute(t: ReturnType<typeof txn>): Promise<string> {
  const res = await api('POST', '/api/transactions', t, 'amina');
  if (res.status !== 202) throw new Error(`ingest ${t.transactionRef}: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(async () => {
    const shown = await api('GET', `/api/transactions/${t.transactionRef}`, undefined, 'amina');
    return shown.status === 200 && shown.body.status !== 'received' ? true : undefined;
  }, `${t.transactionRef} routed`);
  return t.transactionRef;
}

beforeAll(async () => {
  h = await startBrowserHarness({ ANOMALY_ENABLED: 'false' });
  await seedDemoUsers(h.stack.db);
  for (const username of ['amina', 'daudi']) {
    const res = await fetch(`${h.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: passwordOf(username) }) });
    tokens[username] = ((await res.json()) as { token: string }).token;
  }
  for (let i = 0; i < 3; i++) await ingestAndRoute(txn({ amount: `${1800 + i * 300}.00` }));
  mediumRefs.push(await ingestAndRoute(txn(MEDIUM_RISK)), await ingestAndRoute(txn({ ...MEDIUM_RISK, city: 'Paris', country: 'FR' })));
  // the candidate: high from 0.70, so the two 0.75 medium transactions become high
  draft = await proposeLowerHigh(api, 'daudi', 7000);
}, 400_000);

afterEach(async () => {
  for (const page of h?.context.pages() ?? []) if (page.url() !== 'about:blank') await page.close();
});

afterAll(async () => {
  await h?.close();
}, 60_000);

/** Tab until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < 120; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

describe('the admin area in a browser', () => {
  it('an admin starts a backtest of a draft, follows it to its report, opens a cell and downloads the CSV', async () => {
    const page = await signIn(h, 'daudi', passwordOf('daudi'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin area' }).getByRole('link', { name: 'Backtests' }).click();
    await page.getByTestId('start-backtest').waitFor();
    await page.getByLabel('Candidate rule set').selectOption(String(draft));
    await page.getByLabel('First day').fill('2026-11-01');
    await page.getByLabel('Last day').fill('2026-11-30');
    await page.getByRole('button', { name: 'Start the backtest' }).click();
    await page.waitForURL(/\/admin\/backtests\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;

    await expect.poll(() => page.getByTestId('backtest-status').textContent(), { timeout: 180_000 }).toMatch(/^\s*Completed/);
    await expect.poll(() => page.getByTestId('comparison-summary').textContent()).toMatch(/5 transactions compared; 2 change level/);
    expect(await page.getByTestId('cell-medium-high').textContent()).toContain('2');
    await page.getByTestId('cell-medium-high').click();
    const cell = page.getByTestId('cell-transactions');
    await expect.poll(() => cell.locator('tbody th').allTextContents()).toEqual([...mediumRefs].sort());
    expect(await page.getByTestId('detection').textContent()).toContain('False-positive rate');
    expect(await page.getByTestId('cases-per-day').textContent()).toContain('2026-11-20');
    await screenshot(page, 'admin-backtest');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(download.suggestedFilename()).toBe(`backtest-${id}.csv`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    for (const ref of mediumRefs) expect(csv).toContain(`medium,high,${ref}`);

    // the list shows it, completed, with a link back to the report
    await page.getByRole('link', { name: 'All backtests' }).click();
    await expect.poll(() => page.getByTestId('backtests-table').textContent()).toContain(`rule set ${draft}`);
  }, 300_000);

  it('an admin puts the draft in shadow, sees live vs shadow side by side with the transactions that differ, and stops it', async () => {
    const page = await signIn(h, 'daudi', passwordOf('daudi'));
    await page.goto(`${h.baseUrl}/admin/shadow-runs`);
    await page.getByTestId('start-shadow-run').waitFor();
    await page.getByLabel('Candidate rule set').selectOption(String(draft));
    await page.getByRole('button', { name: 'Start the shadow run' }).click();
    await page.waitForURL(/\/admin\/shadow-runs\/[0-9a-f-]{36}$/);
    await page.getByTestId('shadow-empty').waitFor();

    // the scorer picks a new shadow run up within SHADOW_REFRESH_MS: ingest until one is scored in shadow
    const ref = await eventually(async () => {
      const r = await ingestAndRoute(txn({ ...MEDIUM_RISK, city: 'Rome', country: 'IT' }));
      const [{ n }] = await h.stack.db('shadow_results').where({ transaction_ref: r }).count<{ n: string | number }[]>('* as n');
      return Number(n) > 0 ? r : undefined;
    }, 'a transaction scored in shadow');
    await page.reload();
    await page.getByTestId('shadow-differing').waitFor();
    expect(await page.getByTestId('shadow-differing').textContent()).toContain(ref);
    expect(await page.getByTestId('level-matrix').textContent()).toContain('Shadow: high');
    // the cell opens with both scores and the label, as a backtest's does
    await page.getByTestId('cell-medium-high').click();
    const row = page.getByTestId('cell-transactions').locator('tbody tr', { hasText: ref });
    await row.waitFor();
    const [live, shadow, label] = (await row.locator('td').allTextContents()).map((t) => t.trim());
    expect(live).toMatch(/^0\.\d\d$/);
    // the candidate moves only the high threshold: the same points, another level
    expect(shadow).toBe(live);
    expect(label).toBe('—');
    await screenshot(page, 'admin-shadow-run');

    await page.getByTestId('stop-shadow-run').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain('stopped');
    expect(await page.getByTestId('stop-shadow-run').count()).toBe(0);
  }, 300_000);

  it('users: created and disabled by keyboard alone, re-roled and given a new password; the disabled user cannot sign in, and an admin cannot change their own role', async () => {
    const username = `kb-${run}`;
    const page = await signInByKeyboard(h, 'daudi');
    // to the admin area and its Users page, by keyboard
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('navigation', { name: 'Admin area' }).getByRole('link', { name: 'Users' }));
    await page.keyboard.press('Enter');
    await page.getByTestId('users-table').waitFor();

    await tabTo(page, page.getByLabel('Username'));
    await page.keyboard.type(username);
    await tabTo(page, page.getByLabel('Name', { exact: true }));
    await page.keyboard.type('Keyboard Analyst');
    await tabTo(page, page.getByLabel('First password'));
    await page.keyboard.type('first-password-123');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toBe(`User ${username} created as analyst.`);
    const row = page.getByTestId(`user-${username}`);
    await row.waitFor();

    // the admin's own row: role and account controls are off, and say why
    const own = page.getByLabel('Role of daudi');
    expect(await own.isDisabled()).toBe(true);
    expect(await own.getAttribute('aria-describedby')).toBe('self-note');
    expect(await page.getByTestId('disable-daudi').isDisabled()).toBe(true);
    expect(await page.locator('#self-note').textContent()).toContain('changed by another admin');

    // a role change and a password reset (the mouse is fine here)
    await page.getByLabel(`Role of ${username}`).selectOption('senior_analyst');
    await page.getByTestId(`save-role-${username}`).click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toBe(`${username} is now senior analyst.`);
    await page.getByTestId(`reset-${username}`).click();
    await page.getByLabel(`New password for ${username}`).fill('second-password-456');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain(`${username}'s password was reset`);
    const login = (password: string) => fetch(`${h.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect((await login('first-password-123')).status).toBe(401);
    const before = await login('second-password-456');
    expect(before.status).toBe(200);
    const token = ((await before.json()) as { token: string }).token;

    // disabled by keyboard
    await tabTo(page, page.getByTestId(`disable-${username}`));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain(`${username} is disabled`);
    await expect.poll(() => row.textContent()).toContain('Disabled');
    await screenshot(page, 'admin-users');

    // the disabled user cannot sign in, and the session they had stopped at once
    expect((await login('second-password-456')).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/api/cases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const refused = await h.context.newPage();
    await refused.goto(`${h.baseUrl}/login`);
    await refused.getByLabel('Username').fill(username);
    await refused.getByLabel('Password').fill('second-password-456');
    await refused.getByRole('button', { name: 'Sign in' }).click();
    await refused.locator('#login-error').waitFor();
  }, 300_000);

  it("a compliance officer reads the audit trail: a second admin's approval, with who made it and what it changed", async () => {
    // a second admin approves the draft daudi proposed (four-eyes)
    const second = `admin2-${run}`;
    expect((await api('POST', '/api/admin/users', { username: second, displayName: 'Second Admin', password: 'second-admin-password', role: 'admin' }, 'daudi')).status).toBe(201);
    const login = await fetch(`${h.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: second, password: 'second-admin-password' }) });
    tokens[second] = ((await login.json()) as { token: string }).token;
    const approved = await api('POST', `/api/admin/rule-sets/${draft}/approve`, { note: 'the backtest and the shadow run agree' }, second);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    const page = await signIn(h, 'chebet', passwordOf('chebet'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin area' }).getByRole('link', { name: 'Audit trail' }).click();
    await page.getByTestId('trail-table').waitFor();
    await page.getByLabel('Kind of step').selectOption('rule_set_approved');
    await page.getByTestId('trail-show').click();
    const approval = page.locator('[data-event-type="rule_set_approved"]').first();
    await expect.poll(() => approval.textContent()).toContain(`Approved version ${draft}`);
    const [, who, step, about, details] = (await approval.locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(who).toBe(`${second} (Administrator)`);
    expect(step).toBe('Rule set approved');
    expect(about).toBe(`Rule set version ${draft}`);
    expect(details).toContain(`Approved version ${draft}: live from then on, replacing version 1`);
    expect(details).toContain('Note: the backtest and the shadow run agree');
    await expect.poll(() => page.getByTestId('trail-table').locator('tbody tr').count()).toBe(1);

    // the proposal it approved, with its diff in words, and by whom
    await page.getByLabel('Kind of step').selectOption('rule_set_proposed');
    await page.getByLabel('Who').fill('daudi');
    await page.getByTestId('trail-show').click();
    await expect.poll(() => page.getByTestId('trail-table').textContent()).toContain(`Proposed version ${draft} against live version 1: 1 change: scoring.levels.high`);
    await screenshot(page, 'admin-audit-trail');

    // a range that ends before it starts: the API's refusal, at the field it names
    await page.getByLabel('From').fill('2026-11-20');
    await page.getByLabel('To (inclusive)').fill('2026-11-01');
    await page.getByTestId('trail-show').click();
    await expect.poll(() => page.getByTestId('trail-problem').textContent()).toContain('To (inclusive): must be after from');
    expect(await page.getByLabel('To (inclusive)').getAttribute('aria-invalid')).toBe('true');
  }, 300_000);

  it('the rule-set editor: an admin lowers the medium line by keyboard (the server\'s problem first), sees the diff and proposes; a second admin approves; a transaction that was low becomes a case, its breakdown naming the new version', async () => {
    // last in this file: it changes the live version the tests above compare against
    const ADMIN2 = `editor-admin2-${run}`; // not the audit-trail test's second admin
    await createUser(h.stack.db, { username: ADMIN2, displayName: 'Neema Otieno', password: 'second-admin-password', role: 'admin' });
    const before = await ingestAndRoute(txn(FIRST_SEEN_ABROAD));
    const low = await api('GET', `/api/transactions/${before}`, undefined, 'amina');
    expect(low.body).toMatchObject({ status: 'approved', riskLevel: 'low', scoreBreakdown: { points: 4500, thresholds: { medium: 5000 } } });
    const liveBefore = low.body.scoreBreakdown.ruleSetVersion as number;

    const page = await signInByKeyboard(h, 'daudi');
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByTestId('edit-rule-set'));
    await page.keyboard.press('Enter');
    await page.getByTestId('rule-set-edit-form').waitFor();
    // every setting is there, grouped per rule, in its unit
    expect(await page.getByTestId('edit-group-burst').locator('legend').textContent()).toBe('Burst of transactions within minutes');
    expect(await page.getByLabel('Time to decide a medium-risk case').inputValue()).toBe('4');

    // a medium line above the high one, and no reason: the server names both, the first gets the focus
    const medium = page.getByLabel('Medium risk from');
    expect(await medium.inputValue()).toBe('0.5');
    await tabTo(page, medium);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('0.9');
    await page.keyboard.press('Enter');
    await page.getByTestId('rule-set-problems').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('rs-scoring-levels-medium');
    expect(await medium.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#rs-scoring-levels-medium-problem').textContent()).toContain('must be below scoring.levels.high');
    expect(await page.getByLabel('Reason for the change').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('propose-rule-set').isDisabled()).toBe(true);
    expect((await api('GET', '/api/admin/rule-sets', undefined, 'daudi')).body.ruleSets.length).toBe(2); // nothing stored

    // put right by keyboard, checked: the diff against the live version, then proposed
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('0.4');
    await tabTo(page, page.getByLabel('Reason for the change'));
    await page.keyboard.type('first purchases abroad are worth a look');
    await tabTo(page, page.getByTestId('check-rule-set'));
    await page.keyboard.press('Enter');
    const preview = page.getByTestId('rule-set-preview');
    await preview.waitFor();
    // in the bank's words and units, the setting's path beneath
    expect((await preview.locator('tbody tr').locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Risk levels: Medium risk from scoring.levels.medium', '0.50', '0.40']);
    await screenshot(page, 'admin-rule-set-editor');
    await tabTo(page, page.getByTestId('propose-rule-set'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toMatch(/Version \d+ proposed/);
    const version = Number(/Version (\d+) proposed/.exec((await page.getByTestId('admin-message').textContent()) ?? '')?.[1]);

    // not live yet: the proposer cannot approve it; a second admin does
    await page.goto(`${h.baseUrl}/admin/rule-sets`);
    await expect.poll(() => page.getByTestId(`draft-${version}`).textContent()).toContain('scoring.levels.medium');
    expect(await page.getByTestId(`approve-${version}`).count()).toBe(0);
    const approver = await signIn(h, ADMIN2, 'second-admin-password');
    await approver.goto(`${h.baseUrl}/admin/rule-sets`);
    await approver.getByTestId(`approve-${version}`).click();
    await expect.poll(() => approver.getByTestId('admin-message').textContent()).toContain(`Version ${version} approved`);
    await expect.poll(() => approver.getByTestId('live-version').textContent()).toContain(`Version ${version}`);
    expect(await approver.getByTestId('live-rule-set').getByTestId('rule-group-levels').textContent()).toContain('0.40');

    // the same kind of transaction, started now: medium under the new version, a case
    const after = await ingestAndRoute(txn(FIRST_SEEN_ABROAD));
    const caseId = await eventually(async () => {
      const shown = await api('GET', `/api/transactions/${after}`, undefined, 'amina');
      return shown.body.case ? Number(shown.body.case.id) : undefined;
    }, `a case for ${after}`);
    const shown = await api('GET', `/api/transactions/${after}`, undefined, 'amina');
    expect(shown.body).toMatchObject({ status: 'flagged', riskLevel: 'medium', scoreBreakdown: { points: 4500, ruleSetVersion: version, thresholds: { medium: 4000 } } });
    expect(version).toBeGreaterThan(liveBefore);
    const analyst = await signIn(h, 'amina', passwordOf('amina'));
    await analyst.goto(`${h.baseUrl}/cases/${caseId}`);
    await expect.poll(() => analyst.getByTestId('score-breakdown').textContent()).toContain(`model rules/${version}+`);

    // the rollback a bank needs: the version before, restored as a new draft, checked against the live one
    await page.goto(`${h.baseUrl}/admin/rule-sets`);
    await page.getByTestId(`restore-${liveBefore}`).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).last().textContent()).toBe(`Restore version ${liveBefore} as a new draft`);
    expect(await page.getByLabel('Medium risk from').inputValue()).toBe('0.5');
    await page.getByTestId('check-rule-set').click();
    await expect.poll(() => page.getByTestId('rule-set-preview').locator('td').allTextContents()).toEqual(['0.40', '0.50']);
  }, 300_000);
});
