// WCAG 2.2 AA in a real browser (Debian's Chromium via playwright-core) against the real API,
// worker, Temporal and PostgreSQL:
// - axe-core scans every page each role may open, in its default state and in its error, empty,
//   dialog and expanded states; any finding fails with its rule, the element and the page;
// - keyboard only (page.keyboard, no mouse at all): the analyst's decision path and the senior
//   analyst's escalation path, with focus and announcements checked at every step;
// - reflow at 320 CSS px: no page scrolls sideways (data tables scroll inside their own box), the
//   queue becomes cards; screenshots at 390, 1024 and 1440 px go to docs/screenshots/.
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signIn, startBrowserHarness, type BrowserHarness } from './harness';
import { completedBacktest, passwordOf, proposeLowerHigh, ROLES, seedWorkday, signInByKeyboard, type RoleName, type Workday } from './fixtures';
import { startLifecycle } from '../../api/transactions/service';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { eventually } from '../lifecycle/context';

let h: BrowserHarness;
let day: Workday;
/** a completed backtest of a draft that makes the medium cases high: a report with a changed cell */
let backtestId: string;
/** a transaction waiting in needs_attention, for the operators' page */
const poisonedRef = `A11Y-POISON-${Date.now()}`;

/**
 * What operators see: a transaction that failed for good (recorded with a date PostgreSQL cannot
 * count back from, so scoring fails at once) and a warehouse row the input rules quarantined.
 */
async function seedOperatorWork(): Promise<void> {
  const { db, client, taskQueue } = h.stack;
  await db('transactions').insert({
    transaction_ref: poisonedRef,
    customer_id: `C-${poisonedRef}`,
    account_id: `A-${poisonedRef}`,
    amount: '2500.00',
    currency: 'KES',
    txn_type: 'purchase',
    channel: 'pos',
    city: 'Nairobi',
    country: 'KE',
    occurred_at: '0001-01-01T00:00:00Z',
    source: 'warehouse',
    status: 'received',
    workflow_id: lifecycleWorkflowId(poisonedRef),
  });
  await startLifecycle({ temporal: client, taskQueue }, { transactionRef: poisonedRef });
  await db('quarantined_warehouse_rows').insert({
    source: 'transaction_history',
    cursor_value: `a11y-${Date.now()}`,
    transaction_ref: 'WH-A11Y-1',
    field: 'currency',
    reason: 'currency: must be an ISO 4217 currency code (ZZZ is not one)',
    raw_row: JSON.stringify({ transaction_ref: 'WH-A11Y-1', currency: 'ZZZ', amount: '120.00' }),
  });
  // the workflow has taken it in (its stage says so) before the page offers actions on it
  await eventually(async () => {
    const row = await db('transactions').where({ transaction_ref: poisonedRef }).first();
    if (row?.status !== 'needs_attention') return undefined;
    const state = (await client.workflow.getHandle(lifecycleWorkflowId(poisonedRef)).query('state')) as { stage: string };
    return state.stage === 'needs_attention' ? true : undefined;
  }, `${poisonedRef} in needs_attention`);
}

beforeAll(async () => {
  h = await startBrowserHarness({ ANOMALY_ENABLED: 'false', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
  day = await seedWorkday(h);
  await seedOperatorWork();
  backtestId = await completedBacktest(day.api, 'daudi', await proposeLowerHigh(day.api, 'daudi', 7000));
}, 400_000);

// a failed test leaves its tab open, and every tab's event stream holds one of the six connections
// Chromium allows per host: close them, so one failure does not starve the next tests
afterEach(async () => {
  for (const page of h?.context.pages() ?? []) if (page.url() !== 'about:blank') await page.close();
});

afterAll(async () => {
  await h?.close();
}, 60_000);

/** Every axe finding on the page as "rule (impact) at selector: what to fix". */
async function axeFindings(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} (${v.impact ?? 'n/a'}) at ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`),
  );
}

async function openAllDetails(page: Page): Promise<void> {
  const closed = page.locator('main details:not([open]) > summary');
  while ((await closed.count()) > 0) {
    await closed.first().click();
  }
}

interface PageState {
  /** page and state, as named in a finding */
  name: string;
  /** the roles that may open the page (the router's meta) */
  roles: readonly RoleName[];
  path: () => string;
  /** waits until the state is on screen (and brings it about, for dialogs and expanded panels) */
  reach: (page: Page) => Promise<unknown>;
}

const EVERYONE: readonly RoleName[] = ['analyst', 'senior_analyst', 'compliance', 'admin'];
const CASE_READERS: readonly RoleName[] = ['analyst', 'senior_analyst', 'compliance'];
const DECIDERS: readonly RoleName[] = ['analyst', 'senior_analyst'];
const RISK_ROLES: readonly RoleName[] = ['senior_analyst', 'compliance', 'admin'];
const OPERATORS: readonly RoleName[] = ['senior_analyst', 'admin'];
const ADMIN_READERS: readonly RoleName[] = ['admin', 'compliance'];
const text = (page: Page, t: string | RegExp) => page.getByText(t).first().waitFor();

const STATES: PageState[] = [
  { name: 'overview', roles: EVERYONE, path: () => '/', reach: (p) => p.getByTestId('kpi-open').waitFor() },
  {
    name: 'overview, numbers shown',
    roles: EVERYONE,
    path: () => '/',
    reach: async (p) => {
      await p.getByText('Show the numbers').first().waitFor();
      await openAllDetails(p);
    },
  },
  { name: 'case queue', roles: CASE_READERS, path: () => '/cases', reach: (p) => text(p, /Cases 1–\d+ of \d+/) },
  { name: 'case queue, empty', roles: CASE_READERS, path: () => '/cases?channel=atm', reach: (p) => text(p, 'No cases match these filters.') },
  // a blank assignee passes the UI's filter but not the API's validation: a real 400
  { name: 'case queue, error', roles: CASE_READERS, path: () => '/cases?assignee=%20', reach: (p) => text(p, /The case queue could not be loaded/) },
  { name: 'open case', roles: CASE_READERS, path: () => `/cases/${day.cases.open}`, reach: (p) => p.getByTestId('timeline').locator('li').first().waitFor() },
  {
    name: 'open case, block confirmation',
    roles: DECIDERS,
    path: () => `/cases/${day.cases.open}`,
    reach: async (p) => {
      await p.getByTestId('decision-block').check();
      await p.getByLabel(/^Note/).fill('checking the confirmation dialog');
      await p.getByTestId('decision-submit').click();
      await p.getByRole('alertdialog').waitFor();
    },
  },
  {
    name: 'open case, note missing',
    roles: DECIDERS,
    path: () => `/cases/${day.cases.open}`,
    reach: async (p) => {
      await p.getByTestId('decision-escalate').check();
      await p.getByTestId('decision-submit').click();
      await p.getByTestId('decision-problem').waitFor();
    },
  },
  { name: 'closed case', roles: CASE_READERS, path: () => `/cases/${day.cases.closed}`, reach: (p) => text(p, /approved by amina/) },
  { name: 'case, not found', roles: CASE_READERS, path: () => '/cases/987654321', reach: (p) => text(p, /The case could not be loaded/) },
  { name: 'monitor', roles: EVERYONE, path: () => '/monitor', reach: (p) => p.locator('table.monitor tbody tr').first().waitFor() },
  {
    name: 'monitor, nothing matches',
    roles: EVERYONE,
    path: () => '/monitor',
    reach: async (p) => {
      await p.locator('table.monitor tbody tr').first().waitFor();
      await p.getByLabel('Reference, customer or place').fill('no-such-place');
      await text(p, /None of the \d+ recent transactions match/);
    },
  },
  { name: 'analytics', roles: EVERYONE, path: () => '/analytics', reach: (p) => text(p, 'Analyst throughput and SLA') },
  {
    name: 'analytics, numbers shown',
    roles: EVERYONE,
    path: () => '/analytics',
    reach: async (p) => {
      await text(p, 'Analyst throughput and SLA');
      await openAllDetails(p);
    },
  },
  { name: 'analytics, empty', roles: EVERYONE, path: () => '/analytics?from=2021-01-04&to=2021-01-08', reach: (p) => text(p, /No transactions were scored between/) },
  { name: 'analytics, error', roles: EVERYONE, path: () => '/analytics?from=2026-11-20&to=2026-11-01', reach: (p) => text(p, /The analytics could not be loaded/) },
  { name: 'risk register', roles: RISK_ROLES, path: () => '/risk', reach: (p) => text(p, 'Market risk') },
  {
    name: 'risk register, no events',
    roles: RISK_ROLES,
    path: () => '/risk',
    reach: async (p) => {
      await text(p, 'Market risk');
      await p.getByLabel('Category').selectOption('operational');
      await p.getByTestId('events-empty').waitFor();
    },
  },
  { name: 'admin', roles: ['admin', 'compliance'], path: () => '/admin', reach: (p) => p.getByTestId('live-version').waitFor() },
  {
    // every setting read-only, the blacklist and each draft's full content opened (compliance: no editor)
    name: 'admin, the live rule set in full, blacklist and drafts opened',
    roles: ['admin', 'compliance'],
    path: () => '/admin',
    reach: async (p) => {
      await p.getByTestId('live-rule-set').waitFor();
      await openAllDetails(p);
    },
  },
  {
    name: 'admin, the rule-set editor with a problem shown',
    roles: ['admin'],
    path: () => '/admin/rule-sets/new',
    reach: async (p) => {
      await p.getByLabel('Medium risk from').fill('0.9');
      await p.getByTestId('check-rule-set').click();
      await p.locator('#rs-scoring-levels-medium-problem').waitFor();
    },
  },
  { name: 'admin, backtests', roles: ADMIN_READERS, path: () => '/admin/backtests', reach: (p) => p.getByTestId('backtests-table').waitFor() },
  {
    name: 'admin, a backtest report with a cell opened',
    roles: ADMIN_READERS,
    path: () => `/admin/backtests/${backtestId}`,
    reach: async (p) => {
      await p.getByTestId('cell-medium-high').click();
      await p.getByTestId('cell-transactions').locator('tbody tr').first().waitFor();
    },
  },
  { name: 'admin, backtest not found', roles: ADMIN_READERS, path: () => '/admin/backtests/00000000-0000-4000-8000-000000000000', reach: (p) => p.getByTestId('backtest-error').waitFor() },
  { name: 'admin, no shadow runs', roles: ADMIN_READERS, path: () => '/admin/shadow-runs', reach: (p) => p.getByTestId('shadow-runs-empty').waitFor() },
  { name: 'admin, users', roles: ADMIN_READERS, path: () => '/admin/users', reach: (p) => p.getByTestId('users-table').waitFor() },
  {
    name: 'admin, users, a password reset open',
    roles: ['admin'],
    path: () => '/admin/users',
    reach: async (p) => {
      await p.getByTestId('reset-amina').click();
      await p.getByLabel('New password for amina').waitFor();
    },
  },
  { name: 'admin, audit trail', roles: ADMIN_READERS, path: () => '/admin/events', reach: (p) => p.getByTestId('trail-table').waitFor() },
  {
    name: 'admin, audit trail, nothing matches',
    roles: ADMIN_READERS,
    path: () => '/admin/events',
    reach: async (p) => {
      await p.getByTestId('trail-table').waitFor();
      await p.getByLabel('Who').fill('nobody-at-all');
      await p.getByTestId('trail-show').click();
      await p.getByTestId('trail-empty').waitFor();
    },
  },
  {
    name: 'admin, audit trail, a filter refused',
    roles: ADMIN_READERS,
    path: () => '/admin/events',
    reach: async (p) => {
      await p.getByTestId('trail-table').waitFor();
      await p.getByLabel('From').fill('2026-11-20');
      await p.getByLabel('To (inclusive)').fill('2026-11-01');
      await p.getByTestId('trail-show').click();
      await p.getByTestId('trail-problem').waitFor();
    },
  },
  { name: 'compliance', roles: ['compliance'], path: () => '/compliance', reach: (p) => p.getByTestId('decisions-table').waitFor() },
  {
    name: 'compliance, decision path expanded',
    roles: ['compliance'],
    path: () => `/compliance?ref=${day.refs.closed}`,
    reach: async (p) => {
      await p.getByTestId('decision-timeline').waitFor();
      await openAllDetails(p);
    },
  },
  { name: 'compliance, unknown transaction', roles: ['compliance'], path: () => '/compliance?ref=NO-SUCH-REF', reach: (p) => p.getByTestId('path-error').waitFor() },
  {
    name: 'compliance, invalid reference',
    roles: ['compliance'],
    path: () => '/compliance',
    reach: async (p) => {
      await p.getByLabel('Transaction reference').fill('not a reference!');
      await p.getByTestId('compliance-search').click();
      await p.locator('#compliance-ref-problem').waitFor();
    },
  },
  { name: 'needs attention', roles: OPERATORS, path: () => '/attention', reach: (p) => p.getByTestId(`attention-${poisonedRef}`).waitFor() },
  {
    name: 'needs attention, close without a note',
    roles: OPERATORS,
    path: () => '/attention',
    reach: async (p) => {
      await p.getByTestId(`close-${poisonedRef}`).click();
      await p.getByTestId('close-submit').click();
      await p.getByTestId('close-problem').waitFor();
    },
  },
  { name: 'quarantined rows', roles: OPERATORS, path: () => '/quarantine', reach: (p) => p.getByTestId('quarantine-table').waitFor() },
  {
    name: 'quarantined rows, a row opened',
    roles: OPERATORS,
    path: () => '/quarantine',
    reach: async (p) => {
      await p.getByTestId('quarantine-table').waitFor();
      await openAllDetails(p);
    },
  },
  { name: 'system', roles: EVERYONE, path: () => '/system', reach: (p) => p.getByTestId('api-health').waitFor() },
  { name: 'page not found', roles: EVERYONE, path: () => '/no/such/page', reach: (p) => text(p, /There is no page at/) },
];

describe('axe-core finds nothing on any page, in any state, for any role', () => {
  it('signed out: the sign-in page, empty, refused and after a failed attempt', async () => {
    const page = await h.context.newPage();
    const findings: string[] = [];
    await page.goto(`${h.baseUrl}/login`);
    await page.getByLabel('Username').waitFor();
    findings.push(...(await axeFindings(page, 'sign-in')));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await text(page, 'Enter your username.');
    findings.push(...(await axeFindings(page, 'sign-in, fields missing')));
    await page.getByLabel('Username').fill('amina');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#login-error').waitFor();
    findings.push(...(await axeFindings(page, 'sign-in, refused')));
    await page.goto(`${h.baseUrl}/no/such/page`);
    await text(page, /There is no page at/);
    findings.push(...(await axeFindings(page, 'page not found, signed out')));
    await page.close();
    expect(findings).toEqual([]);
  });

  for (const { role, username } of ROLES) {
    it(`${role}: every page it may open, in every state — and at 320 CSS px none scrolls sideways (WCAG 1.4.10)`, async () => {
      const page = await signIn(h, username, passwordOf(username));
      const findings: string[] = [];
      const overflowing: string[] = [];
      let scanned = 0;
      for (const state of STATES.filter((s) => s.roles.includes(role))) {
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.goto(`${h.baseUrl}${state.path()}`);
        await state.reach(page);
        findings.push(...(await axeFindings(page, `${role} on ${state.name} (${state.path()})`)));
        scanned += 1;
        // the same state on a phone held upright: data tables may scroll inside their box, the page may not
        await page.setViewportSize({ width: 320, height: 720 });
        const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        // charts follow the new width a frame later (ResizeObserver): wait for the layout to settle
        await expect.poll(sideways, { timeout: 5_000 }).toBe(0).catch(async () => {
          overflowing.push(`${role} on ${state.name} (${state.path()}): ${await sideways()} px wider than a 320 px window`);
        });
      }
      await page.close();
      expect(findings).toEqual([]);
      expect(overflowing).toEqual([]);
      expect(scanned).toBeGreaterThanOrEqual(role === 'admin' ? 17 : 15);
    }, 300_000);
  }
});

// ---------------------------------------------------------------------------------------------
// keyboard only

interface Focused {
  tag: string;
  id: string;
  testid: string | null;
  text: string;
  invalid: string | null;
}
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      testid: el?.getAttribute('data-testid') ?? null,
      text: (el?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      invalid: el?.getAttribute('aria-invalid') ?? null,
    };
  });

/** Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, back = false): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${String(target)}; focus is on ${JSON.stringify(await focused(page))}`);
}

const announcer = (page: Page) => page.getByTestId('announcer');
const inViewport = (page: Page, target: Locator) =>
  target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });

/** The main heading has the focus and the page was announced. */
async function expectPage(page: Page, heading: string | RegExp): Promise<void> {
  await expect.poll(async () => (await focused(page)).tag).toBe('h1');
  const now = await focused(page);
  if (typeof heading === 'string') expect(now.text).toContain(heading);
  else expect(now.text).toMatch(heading);
  await expect.poll(() => announcer(page).textContent()).toMatch(/ page/);
}

describe('keyboard only (no mouse events at all)', () => {
  it('sign-in: Enter on an empty form and a wrong password say what is wrong and keep the focus on the form', async () => {
    const page = await h.context.newPage();
    await page.goto(`${h.baseUrl}/login`);
    await tabTo(page, page.getByLabel('Username'));
    await page.keyboard.press('Enter');
    await text(page, 'Enter your username.');
    expect(await focused(page)).toMatchObject({ id: 'login-username', invalid: 'true' });
    await page.keyboard.type('amina');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-her-password');
    await page.keyboard.press('Enter');
    await page.locator('#login-error').waitFor();
    expect(await page.locator('#login-error').getAttribute('role')).toBe('alert');
    await expect.poll(async () => (await focused(page)).id).toBe('login-username');
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Username').getAttribute('aria-describedby')).toContain('login-error');
    await page.close();
  });

  it("the analyst's decision path: sign in → queue → filter → case → take → approve with a note → back to the queue", async () => {
    const page = await signInByKeyboard(h, 'amina', { width: 1280, height: 800 });
    await expectPage(page, 'Overview');
    expect(await page.title()).toBe('Overview · Kinga');

    // from the overview's link to the queue
    await tabTo(page, page.getByRole('link', { name: 'Open the case queue' }));
    await page.keyboard.press('Enter');
    await expectPage(page, 'Case queue');
    await text(page, /Cases 1–\d+ of \d+/);

    // a filter by keyboard: the new count is announced, the focus stays on the filter
    const medium = (await day.api('GET', '/api/cases?level=medium&status=open', undefined, 'amina')).body.total as number;
    await tabTo(page, page.getByLabel('Risk level'));
    await page.keyboard.press('ArrowDown'); // All levels → High
    await page.keyboard.press('ArrowDown'); // → Medium
    await expect.poll(() => page.url()).toContain('level=medium');
    await expect.poll(() => announcer(page).textContent()).toContain(`${medium} case${medium === 1 ? '' : 's'}; showing 1 to ${medium}.`);
    expect((await focused(page)).id).toBe('filter-level');

    const caseLink = page.locator(`tr[data-ref="${day.refs.approveByKeyboard}"]`).getByRole('link');
    await tabTo(page, caseLink);
    await page.keyboard.press('Enter');
    await expectPage(page, `Case #${day.cases.approveByKeyboard}`);
    await expect.poll(() => page.title()).toBe(`Case #${day.cases.approveByKeyboard} (medium risk, ${day.refs.approveByKeyboard}) · Kinga`);

    // take it: the button goes away, the focus lands on the outcome
    await tabTo(page, page.getByRole('button', { name: 'Take this case' }));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('assign-message');
    expect((await focused(page)).text).toBe('You took this case.');

    // A chooses approve (focus is on a message, not in a text field) and moves to the note
    await page.keyboard.press('a');
    await expect.poll(async () => (await focused(page)).id).toBe('decision-note');
    expect(await page.getByTestId('decision-approve').isChecked()).toBe(true);
    await page.keyboard.type('customer confirmed the Paris purchase by phone');
    expect(await inViewport(page, page.getByTestId('decision-submit'))).toBe(true);
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('decision-answer');
    expect((await focused(page)).text).toBe('Case approved and closed by amina.');
    expect(await page.getByTestId('decision-answer').getAttribute('role')).toBe('status');

    // back to the queue, where the decided case is gone
    await tabTo(page, page.getByRole('link', { name: '← Case queue' }), true);
    await page.keyboard.press('Enter');
    await expectPage(page, 'Case queue');
    await text(page, /Cases 1–\d+ of \d+/);
    expect(await page.locator(`tr[data-ref="${day.refs.approveByKeyboard}"]`).count()).toBe(0);
    expect((await day.api('GET', `/api/cases/${day.cases.approveByKeyboard}`, undefined, 'amina')).body.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'amina' });
    await page.close();
  });

  it("the senior analyst's escalation path: the block confirmation cancelled with Escape, a missing note shown in view, E on a radio button, escalated to level 2", async () => {
    const page = await signInByKeyboard(h, 'baraka', { width: 1280, height: 800 });
    await expectPage(page, 'Overview');
    await tabTo(page, page.getByRole('link', { name: 'Open the case queue' }));
    await page.keyboard.press('Enter');
    await expectPage(page, 'Case queue');
    const caseLink = page.locator(`tr[data-ref="${day.refs.escalateByKeyboard}"]`).getByRole('link');
    await tabTo(page, caseLink);
    await page.keyboard.press('Enter');
    await expectPage(page, `Case #${day.cases.escalateByKeyboard}`);
    await text(page, /escalation level 1/);

    // the radio group: Tab lands on it, B chooses block even though the focus is on a radio button
    await tabTo(page, page.getByTestId('decision-approve'));
    await page.keyboard.press('b');
    expect(await page.getByTestId('decision-block').isChecked()).toBe(true);
    await expect.poll(async () => (await focused(page)).id).toBe('decision-note');
    await page.keyboard.type('second look before blocking');
    await page.keyboard.press('Control+Enter');
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page)).testid).toBe('confirm-block');
    expect(await inViewport(page, page.getByTestId('confirm-block'))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await focused(page)).testid).toBe('decision-submit');

    // E (focus on the submit button) chooses escalate; without a note the problem is shown in view
    await page.keyboard.press('e');
    expect(await page.getByTestId('decision-escalate').isChecked()).toBe(true);
    await expect.poll(async () => (await focused(page)).id).toBe('decision-note');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+Enter');
    const problem = page.getByTestId('decision-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('A note is required to escalate.');
    expect(await focused(page)).toMatchObject({ id: 'decision-note', invalid: 'true' });
    expect(await inViewport(page, problem)).toBe(true);
    expect(await inViewport(page, page.getByTestId('decision-submit'))).toBe(true);

    await page.keyboard.type('management should see this pattern');
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('decision-answer');
    expect((await focused(page)).text).toBe('Case escalated to level 2; it now needs a senior analyst.');
    const shown = await day.api('GET', `/api/cases/${day.cases.escalateByKeyboard}`, undefined, 'baraka');
    expect(shown.body.case).toMatchObject({ status: 'escalated', escalationLevel: 2 });
    await page.close();
  });

  it('an operator closes a transaction that needs attention: the close form by keyboard, Escape back to its button, a missing note shown, the outcome announced', async () => {
    const page = await signInByKeyboard(h, 'daudi', { width: 1280, height: 800 });
    await expectPage(page, 'Overview');
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Attention' }));
    await page.keyboard.press('Enter');
    await expectPage(page, 'Needs attention');
    await tabTo(page, page.getByTestId(`close-${poisonedRef}`));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('close-note');
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await focused(page)).testid).toBe(`close-${poisonedRef}`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).testid).toBe('close-note');
    await tabTo(page, page.getByTestId('close-submit'));
    await page.keyboard.press('Enter');
    await page.getByTestId('close-problem').waitFor();
    expect(await focused(page)).toMatchObject({ testid: 'close-note', invalid: 'true' });
    await page.keyboard.type('test transaction of the accessibility run; nothing to pay');
    await tabTo(page, page.getByTestId('close-submit'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('attention-list-title');
    await expect.poll(async () => announcer(page).textContent()).toContain(`${poisonedRef} closed by you`);
    expect((await h.stack.db('transactions').where({ transaction_ref: poisonedRef }).first()).status).toBe('closed_by_operator');
    await page.close();
  });
});

describe('announcements', () => {
  it('result counts are said in the live region: the monitor filter, an analytics range, compliance decisions', async () => {
    const page = await signIn(h, 'chebet', passwordOf('chebet'));
    await page.goto(`${h.baseUrl}/monitor`);
    await page.locator('table.monitor tbody tr').first().waitFor();
    await page.getByLabel('Reference, customer or place').fill('no-such-place');
    await expect.poll(() => announcer(page).textContent()).toMatch(/None of the \d+ recent transactions match\./);
    await page.getByLabel('Reference, customer or place').fill(day.refs.high);
    await expect.poll(() => announcer(page).textContent()).toMatch(/1 of \d+ recent transactions match\./);

    await page.goto(`${h.baseUrl}/analytics?from=2021-01-04&to=2021-01-08`);
    await expect.poll(() => announcer(page).textContent()).toContain('0 transactions scored from 2021-01-04 to 2021-01-08.');

    await page.goto(`${h.baseUrl}/compliance`);
    await page.getByTestId('decisions-table').waitFor();
    await expect.poll(() => announcer(page).textContent()).toMatch(/\d+ decisions? from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\./);
    await page.close();
  });
});

// ---------------------------------------------------------------------------------------------
// reflow

describe('reflow (WCAG 1.4.10)', () => {
  it('at 320 CSS px the queue and the monitor are lists of cards (the queue: level, amount, customer, SLA)', async () => {
    const page = await signIn(h, 'baraka', passwordOf('baraka'));
    await page.setViewportSize({ width: 320, height: 720 });
    await page.goto(`${h.baseUrl}/cases`);
    const card = page.locator(`[data-card-ref="${day.refs.high}"]`);
    await card.waitFor();
    expect(await page.locator('table.queue').isVisible()).toBe(false);
    const facts = (await card.innerText()).replace(/\s+/g, ' ');
    expect(facts).toContain(`Case #${day.cases.high}`);
    expect(facts).toContain('High');
    expect(facts).toMatch(/Amount Ksh 12,000,000\.00/);
    expect(facts).toMatch(/Customer \S+/);
    expect(facts).toMatch(/SLA due (in|\d)/);
    expect(await axeFindings(page, 'queue as cards at 320 px')).toEqual([]);

    // the monitor too: each transaction a card with its rules
    await page.goto(`${h.baseUrl}/monitor`);
    const txnCard = page.locator('.case-card', { hasText: day.refs.high });
    await txnCard.waitFor();
    expect(await page.locator('table.monitor').isVisible()).toBe(false);
    expect((await txnCard.innerText()).replace(/\s+/g, ' ')).toMatch(/Rules fired \S+/);
    expect(await axeFindings(page, 'monitor as cards at 320 px')).toEqual([]);
    await page.close();
  }, 240_000);

  it('screenshots of the queue, a case and the overview at 390, 1024 and 1440 px', async () => {
    const page = await signIn(h, 'baraka', passwordOf('baraka'));
    for (const width of [390, 1024, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.baseUrl}/`);
      await page.getByTestId('kpi-open').waitFor();
      await page.locator('.chart-box canvas').first().waitFor();
      await screenshot(page, `overview-${width}`);
      await page.goto(`${h.baseUrl}/cases`);
      await page.locator('[data-case-id]:visible').first().waitFor(); // rows, or cards when narrow
      await screenshot(page, `case-queue-${width}`);
      await page.goto(`${h.baseUrl}/cases/${day.cases.high}`);
      await page.getByTestId('timeline').locator('li').first().waitFor();
      await screenshot(page, `case-detail-${width}`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(sideways, `case page at ${width}px`).toBe(0);
    }
    await page.close();
  }, 240_000);
});
