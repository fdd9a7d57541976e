// The pages as people use them, in a real browser against the real API, worker, Temporal and
// PostgreSQL: at 1440 px no table is cut off (its box does not scroll sideways), compliance's
// decisions by date come a page at a time, and the risk register draws each portfolio metric's
// trend against its threshold. axe-core checks the new states.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGH_RISK } from '../helpers/transactions';
import { eventually } from '../lifecycle/context';
import { signIn, screenshot, startBrowserHarness, type BrowserHarness } from './harness';
import { passwordOf, seedWorkday, type Workday } from './fixtures';

let h: BrowserHarness;
let day: Workday;
const run = Date.now().toString(36);
/** DECISIONS_PAGE_SIZE of ui/src/composables/useDecisionsByDate.ts (that module needs a browser) */
const DECISIONS_PAGE_SIZE = 50;
/** decisions recorded today by this file: more than two pages */
const EXTRA_DECISIONS = DECISIONS_PAGE_SIZE * 2 + 7;
const TREND_METRIC = `pages_trend_${run}`;
/** the longest values the API takes, where a table would be widest: a reference, a customer, a place */
const LONG = {
  ref: (n: number) => `PAGES-${run}-${n}-`.padEnd(64, 'X'),
  customerId: `CUSTOMER-OF-THE-CORPORATE-BANKING-DIVISION-${run}`.slice(0, 64),
  city: 'Nairobi Central Business District, Upper Hill',
};
let longCase: number;

beforeAll(async () => {
  h = await startBrowserHarness({ ANOMALY_ENABLED: 'false', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
  day = await seedWorkday(h);
  // a corporate customer with the longest reference, id and place: a high case and an everyday payment
  for (const [n, extra] of [[1, {}], [2, HIGH_RISK]] as const) {
    const res = await day.api('POST', '/api/transactions', { transactionRef: LONG.ref(n), customerId: LONG.customerId, accountId: `ACC-${run}-${n}`, amount: '2500.00', currency: 'KES', type: 'purchase', channel: 'pos', merchantId: 'M-NAIVAS-001', merchantName: 'Naivas Supermarket', city: LONG.city, country: 'KE', occurredAt: `2026-11-2${n}T07:15:00.000Z`, ...extra }, 'amina');
    if (res.status !== 202) throw new Error(`ingest ${LONG.ref(n)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  longCase = await eventually(async () => {
    const res = await day.api('GET', `/api/transactions/${LONG.ref(2)}`, undefined, 'amina');
    return res.status === 200 && res.body.case ? Number(res.body.case.id) : undefined;
  }, 'the long case');
  await eventually(async () => {
    const res = await day.api('GET', `/api/transactions/${LONG.ref(1)}`, undefined, 'amina');
    return res.status === 200 && res.body.status === 'approved' ? true : undefined;
  }, 'the long everyday payment approved');
  // a busy day for compliance: decisions recorded as the audit trail holds them
  const now = Date.now();
  await h.stack.db('case_events').insert(
    Array.from({ length: EXTRA_DECISIONS }, (_, i) => ({
      event_key: `pages-${run}-${i}`,
      transaction_ref: `PAGES-${run}-${String(i).padStart(3, '0')}`,
      event_type: 'auto_approved',
      actor: 'system:lifecycle',
      note: `score 0.1 is below the medium threshold`,
      occurred_at: new Date(now - (EXTRA_DECISIONS - i) * 1000),
    })),
  );
  // a credit metric computed every day for a week, crossing its threshold on the last two days
  await h.stack.db('risk_metrics').insert(
    [0.31, 0.33, 0.36, 0.4, 0.44, 0.52, 0.57].map((value, i) => ({
      model: 'credit',
      metric: TREND_METRIC,
      scope: 'book',
      value: value.toFixed(6),
      threshold: '0.500000',
      status: value > 0.5 ? 'breach' : 'ok',
      run_id: `pages-${run}-${i}`,
      computed_at: new Date(now - (6 - i) * 86_400_000 - 3_600_000),
      details: '{}',
    })),
  );
  // and once before the last week
  await h.stack.db('risk_metrics').insert({ model: 'credit', metric: TREND_METRIC, scope: 'book', value: '0.290000', threshold: '0.450000', status: 'ok', run_id: `pages-${run}-old`, computed_at: new Date(now - 10 * 86_400_000), details: '{}' });
}, 400_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

async function axeFindings(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return results.violations.flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) at ${n.target.join(' ')}`));
}

/** Each table box on the page whose table is wider than the box (so a column is cut off until scrolled). */
async function cutOffTables(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="table-scroll"]', (boxes) =>
    boxes
      .filter((box) => (box as HTMLElement).offsetParent !== null) // shown (not a narrow-screen-only twin)
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => `${box.querySelector('caption')?.textContent?.trim() || box.getAttribute('aria-label') || box.querySelector('th')?.textContent?.trim()}: ${box.scrollWidth} px in ${box.clientWidth} px`),
  );
}

describe('at 1440 px every table fits its page', () => {
  it('the queue (SLA, opened), the monitor (rules), a case (recent transactions), compliance and the risk register', async () => {
    const page = await signIn(h, 'baraka', passwordOf('baraka'));
    expect(page.viewportSize()?.width).toBe(1440);
    const problems: string[] = [];
    const check = async (where: string, path: string, shown: string) => {
      await page.goto(`${h.baseUrl}${path}`);
      await page.locator(shown).first().waitFor();
      problems.push(...(await cutOffTables(page)).map((p) => `${where}: ${p}`));
    };
    await check('queue', '/cases', `table.queue tbody tr[data-ref="${LONG.ref(2)}"]`);
    // the last columns are on screen, not behind a sideways scroll
    for (const name of ['SLA due', 'Opened']) {
      const box = await page.getByRole('columnheader', { name }).boundingBox();
      expect(box && box.x + box.width <= 1440, `${name} on screen`).toBe(true);
    }
    await check('monitor', '/monitor', `table.monitor tbody tr[data-ref="${LONG.ref(2)}"]`);
    const rules = await page.getByRole('columnheader', { name: 'Rules fired' }).boundingBox();
    expect(rules && rules.x + rules.width <= 1440, 'Rules fired on screen').toBe(true);
    await check('case', `/cases/${longCase}`, '[data-testid="customer-history"] tbody tr');
    const status = await page.getByTestId('customer-history').getByRole('columnheader', { name: 'Status' }).boundingBox();
    expect(status && status.x + status.width <= 1440, 'Status of recent transactions on screen').toBe(true);
    await check('risk register', '/risk', '[data-testid="metric-trend"]');
    await page.close();

    const compliance = await signIn(h, 'chebet', passwordOf('chebet'));
    await compliance.goto(`${h.baseUrl}/compliance`);
    await compliance.getByTestId('decisions-table').waitFor();
    problems.push(...(await cutOffTables(compliance)).map((p) => `compliance: ${p}`));
    await compliance.close();
    expect(problems).toEqual([]);
  });
});

describe('compliance: decisions by date, a page at a time', () => {
  it('shows one page, says how many there are, and pages forward and back without repeating a decision', async () => {
    const page = await signIn(h, 'chebet', passwordOf('chebet'));
    await page.goto(`${h.baseUrl}/compliance`);
    const table = page.getByTestId('decisions-table');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(DECISIONS_PAGE_SIZE);
    const caption = ((await table.locator('caption').textContent()) ?? '').replace(/\s+/g, ' ');
    const total = Number(/of (\d+)/.exec(caption)?.[1]);
    expect(total).toBeGreaterThanOrEqual(EXTRA_DECISIONS);
    expect(caption).toContain(`Decisions 1–${DECISIONS_PAGE_SIZE} of ${total}`);
    expect(await page.getByTestId('decisions-previous').isDisabled()).toBe(true);
    const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ref')));

    await page.getByTestId('decisions-next').click();
    await expect.poll(async () => (await table.locator('caption').textContent())?.replace(/\s+/g, ' ')).toContain(`Decisions ${DECISIONS_PAGE_SIZE + 1}–`);
    await expect.poll(() => page.getByTestId('announcer').textContent()).toMatch(new RegExp(`Decisions ${DECISIONS_PAGE_SIZE + 1}–\\d+ of ${total}\\.`));
    const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ref')));
    expect(secondPage).toHaveLength(Math.min(DECISIONS_PAGE_SIZE, total - DECISIONS_PAGE_SIZE));
    expect(secondPage.filter((ref) => firstPage.includes(ref))).toEqual([]);
    expect(await axeFindings(page, 'compliance, second page of decisions')).toEqual([]);
    await screenshot(page, 'compliance-decisions-page-2');

    await page.getByTestId('decisions-previous').click();
    await expect.poll(async () => (await table.locator('caption').textContent())?.replace(/\s+/g, ' ')).toContain(`Decisions 1–${DECISIONS_PAGE_SIZE} of ${total}`);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ref')))).toEqual(firstPage);
    await page.close();
  });
});

describe('risk register: each portfolio metric against its threshold over time', () => {
  it('draws the trend with its threshold, says the latest value and the breaches, and lists the numbers', async () => {
    const page = await signIn(h, 'baraka', passwordOf('baraka'));
    await page.goto(`${h.baseUrl}/risk`);
    const trend = page.locator(`[data-testid="metric-trend"][data-metric="${TREND_METRIC}"]`);
    await trend.waitFor();
    expect(await trend.getAttribute('data-points')).toBe('8');
    await trend.locator('canvas').waitFor();
    const summary = await trend.getByRole('img').getAttribute('aria-label');
    expect(summary).toMatch(/^8 values since .+; latest 0\.57 against threshold 0\.5 \(Breach\); 2 breaching$/);
    await trend.getByText('Show the numbers').click();
    const numbers = trend.locator('table tbody tr');
    expect(await numbers.count()).toBe(8);
    // the threshold as it was at each computation
    expect((await numbers.first().innerText()).replace(/\s+/g, ' ')).toMatch(/0\.29 0\.45 Ok$/);
    expect((await numbers.last().innerText()).replace(/\s+/g, ' ')).toMatch(/0\.57 0\.5 Breach$/);
    // the seeded workday's metrics, each a series of its own
    expect(await page.locator('[data-testid="metric-trend"][data-metric="lcr"]').count()).toBe(1);
    expect(await axeFindings(page, 'risk register, trends, numbers shown')).toEqual([]);
    await screenshot(page, 'risk-register-trends');

    // a shorter period leaves out the older value
    await page.getByLabel('Period').selectOption('7');
    await expect.poll(() => trend.getAttribute('data-points')).toBe('7');
    await page.close();
  });
});
