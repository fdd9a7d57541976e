// A working day for the accessibility tests: open medium and high cases, one already closed, one
// escalated, portfolio figures; and the helpers to sign in, ingest and wait for a case.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { DEMO_USERS, seedDemoUsers } from '../../api/users/service';
import { eventually } from '../lifecycle/context';
import { jsonClient } from '../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';
import type { BrowserHarness } from './harness';

export const ROLES = [
  { role: 'analyst', username: 'amina' },
  { role: 'senior_analyst', username: 'baraka' },
  { role: 'compliance', username: 'chebet' },
  { role: 'admin', username: 'daudi' },
] as const;
export type RoleName = (typeof ROLES)[number]['role'];

export const passwordOf = (username: string): string => {
  const user = DEMO_USERS.find((d) => d.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  return user.password;
};

export interface Workday {
  api: ReturnType<typeof jsonClient>;
  refs: Record<'open' | 'approveByKeyboard' | 'escalateByKeyboard' | 'high' | 'closed', string>;
  cases: Record<'open' | 'approveByKeyboard' | 'escalateByKeyboard' | 'high' | 'closed', number>;
}

export async function seedWorkday(h: BrowserHarness): Promise<Workday> {
  await seedDemoUsers(h.stack.db);
  const tokens: Record<string, string> = {};
  for (const { username } of ROLES) {
    const res = await fetch(`${h.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: passwordOf(username) }),
    });
    tokens[username] = ((await res.json()) as { token: string }).token;
  }
  const api = jsonClient(() => h.baseUrl, tokens);
  const txn = transactionFactory(`A11Y-${randomUUID().slice(0, 6)}`);
  const ingest = async (t: ReturnType<typeof txn>) => {
    const res = await api('POST', '/api/transactions', t, 'amina');
    if (res.status !== 202) throw new Error(`ingest ${t.transactionRef}: ${res.status} ${JSON.stringify(res.body)}`);
    return t.transactionRef;
  };
  const caseOf = (ref: string) =>
    eventually(async () => {
      const res = await api('GET', `/api/transactions/${ref}`, undefined, 'amina');
      return res.status === 200 && res.body.case ? Number(res.body.case.id) : undefined;
    }, `a case for ${ref}`);

  for (let i = 0; i < 4; i++) await ingest(txn({ amount: `${1500 + i * 400}.00`, channel: ['pos', 'mobile', 'atm', 'online'][i] }));
  const refs = {
    open: await ingest(txn(MEDIUM_RISK)),
    approveByKeyboard: await ingest(txn({ ...MEDIUM_RISK, city: 'Paris', country: 'FR' })),
    escalateByKeyboard: await ingest(txn({ ...MEDIUM_RISK, city: 'Dubai', country: 'AE' })),
    high: await ingest(txn(HIGH_RISK)),
    closed: await ingest(txn({ ...MEDIUM_RISK, city: 'Berlin', country: 'DE' })),
  };
  const cases = {
    open: await caseOf(refs.open),
    approveByKeyboard: await caseOf(refs.approveByKeyboard),
    escalateByKeyboard: await caseOf(refs.escalateByKeyboard),
    high: await caseOf(refs.high),
    closed: await caseOf(refs.closed),
  };
  /** A decision through the API; 202 (not confirmed within DECISION_WAIT on a busy machine) is waited out. */
  const decide = async (caseId: number, decision: 'approve' | 'escalate', note: string, until: (c: { status: string; escalationLevel: number }) => boolean) => {
    const res = await api('POST', `/api/cases/${caseId}/decision`, { decision, note }, 'amina');
    if (res.status !== 200 && res.status !== 202) throw new Error(`${decision} case ${caseId}: ${res.status} ${JSON.stringify(res.body)}`);
    await eventually(async () => {
      const shown = await api('GET', `/api/cases/${caseId}`, undefined, 'amina');
      return shown.status === 200 && until(shown.body.case) ? true : undefined;
    }, `case ${caseId} ${decision}d`);
  };
  // one case already decided (the closed state of a case page; a row in compliance's decisions)
  await decide(cases.closed, 'approve', 'card holder confirmed the purchase', (c) => c.status === 'closed');
  // the senior's escalation path starts from a case an analyst already escalated
  await decide(cases.escalateByKeyboard, 'escalate', 'Dubai at night: a senior should look', (c) => c.escalationLevel === 1);

  await h.stack.db('risk_metrics').insert([
    { model: 'liquidity', metric: 'lcr', scope: 'book', value: '1.320000', threshold: '1.000000', status: 'ok', run_id: 'a11y', details: '{}' },
    { model: 'market', metric: 'fx_var_95', scope: 'book', value: '18500000.000000', threshold: '15000000.000000', status: 'breach', run_id: 'a11y', details: '{}' },
  ]);
  return { api, refs, cases };
}

/** A new tab signed in as `username` through the form, typing and pressing Enter (no mouse). */
export async function signInByKeyboard(h: BrowserHarness, username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await h.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on('pageerror', (err) => process.stderr.write(`[browser ${username}] page error: ${err.message}\n`));
  await page.goto(`${h.baseUrl}/login`);
  await page.getByLabel('Username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(passwordOf(username));
  await page.keyboard.press('Enter');
  await page.getByTestId('header-role').waitFor();
  return page;
}

type Api = ReturnType<typeof jsonClient>;

/** A draft (proposed by `as`, not approved) whose high level starts at `highPoints`: medium cases of 0.75 become high. */
export async function proposeLowerHigh(api: Api, as: string, highPoints = 7000): Promise<number> {
  const listed = await api('GET', '/api/admin/rule-sets', undefined, as);
  const live = (listed.body.ruleSets as Array<{ status: string; content: { scoring: { levels: { high: number } } } }>).find((r) => r.status === 'approved');
  if (!live) throw new Error(`no live rule set: ${listed.status} ${JSON.stringify(listed.body)}`);
  const content = structuredClone(live.content);
  content.scoring.levels.high = highPoints;
  const res = await api('POST', '/api/admin/rule-sets', { content, reason: `high from ${highPoints / 10_000}` }, as);
  if (res.status !== 201) throw new Error(`propose: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ruleSet.version as number;
}

/** A backtest of `version` over November 2026 (the fixtures' transactions), started through the API and waited out. */
export async function completedBacktest(api: Api, as: string, version: number): Promise<string> {
  const res = await api('POST', '/api/admin/backtests', { ruleSetVersion: version, from: '2026-11-01T00:00:00+03:00', to: '2026-12-01T00:00:00+03:00' }, as);
  if (res.status !== 201) throw new Error(`start backtest: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.backtest.id as string;
  await eventually(async () => {
    const shown = await api('GET', `/api/admin/backtests/${id}`, undefined, as);
    if (shown.body.backtest.status === 'failed') throw new Error(`backtest failed: ${shown.body.backtest.failure}`);
    return shown.body.backtest.status === 'completed' ? true : undefined;
  }, `backtest ${id} completed`);
  return id;
}
