// The demo's portfolio inputs, on a database of their own (they are dated today): seeded once,
// they make the models show a liquidity breach and a market figure within its limit.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortfolioActivities } from '../../activities/portfolio';
import { loadNotificationConfig } from '../../config/notifications';
import { loadPortfolioConfig } from '../../config/portfolio';
import { createDb, type Db } from '../../db/connection';
import { seedPortfolioInputs } from '../../scripts/demo/portfolioSeed';
import { scratchDatabase, type ScratchDatabase } from '../helpers';

let scratch: ScratchDatabase;
let db: Db;

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_portfolio_seed', { migrate: true });
  db = createDb(scratch.url, 2);
});

afterAll(async () => {
  await db?.destroy();
  await scratch?.drop();
});

describe('seedPortfolioInputs', () => {
  it('seeds once and shows a liquidity breach, FX exposure and a VaR within its limit', async () => {
    const now = new Date();
    const first = await seedPortfolioInputs(db, { now });
    expect(first).toMatchObject({ holdings: 5, cashFlows: 7, positions: 3 });
    expect(first.rates).toBeGreaterThan(1500);
    await seedPortfolioInputs(db, { now });
    expect(await db('fx_rates').count<{ count: number }[]>('* as count')).toEqual([{ count: first.rates }]);

    const acts = createPortfolioActivities({ db, portfolio: loadPortfolioConfig({}), notifications: loadNotificationConfig({}), logger: pino({ level: 'silent' }) });
    const result = await acts.computePortfolioMetrics({ asOf: now.toISOString() });
    const by = Object.fromEntries(result.metrics.map((m) => [`${m.metric}:${m.scope}`, m]));
    // HQLA 5.5bn + 1.02bn + 0.45bn = 6.97bn; net outflows 12.3bn − 4.5bn = 7.8bn
    expect(by['liquidity_coverage_ratio:book']).toMatchObject({ value: '0.893589', status: 'WARNING' });
    expect(by['fx_exposure:currency:USD']).toMatchObject({ value: '2394825000.00' }); // 18.5M × 129.45
    const v = by['fx_var_1d_99:book']!;
    expect(v.details).toMatchObject({ scenarios: 250, rank: 3 });
    expect(Number(v.value)).toBeGreaterThan(0);
    expect(v.status).toBe('OK');
  });
});
