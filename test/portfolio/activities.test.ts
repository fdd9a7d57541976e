// The portfolio activities on the real PostgreSQL: the inputs they read (transactions aggregated in
// SQL, the latest recent-enough liquidity and FX inputs), the tables' constraints, and idempotent
// writes of metrics and risk events. Dates lie in 2032 so that no other test's rows are in range.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortfolioActivities, localDate } from '../../activities/portfolio';
import { loadNotificationConfig } from '../../config/notifications';
import { loadPortfolioConfig } from '../../config/portfolio';
import { testDb, uniqueRef } from '../helpers';

const db = testDb(3);
const ASOF = '2032-06-15T09:00:00.000Z'; // 12:00 in Nairobi
const acts = createPortfolioActivities({
  db,
  portfolio: loadPortfolioConfig({}),
  notifications: loadNotificationConfig({}),
  logger: pino({ level: 'silent' }),
});

function txn(customerId: string, occurredAt: string, amount: string) {
  return {
    transaction_ref: uniqueRef('pf'),
    customer_id: customerId,
    account_id: `ACC-${customerId}`,
    amount,
    currency: 'KES',
    txn_type: 'transfer',
    channel: 'online',
    city: 'Nairobi',
    country: 'KE',
    occurred_at: occurredAt,
    source: 'backfill',
    status: 'approved',
  };
}

const hoursBefore = (h: number) => new Date(Date.parse(ASOF) - h * 3_600_000).toISOString();

beforeAll(async () => {
  const run = uniqueRef('c');
  const rows = [];
  // a steady customer: one 50,000 payment a day for 36 days
  for (let d = 0; d < 36; d++) rows.push(txn(`${run}-steady`, hoursBefore(d * 24 + 1), '50000.00'));
  // a customer whose last day is three large transfers; 1,000,000.00 exactly is not "above"
  rows.push(txn(`${run}-burst`, hoursBefore(2), '1000000.00'), txn(`${run}-burst`, hoursBefore(3), '1000000.01'), txn(`${run}-burst`, hoursBefore(4), '12000000.00'));
  // outside the window (and after as-of): ignored
  rows.push(txn(`${run}-old`, hoursBefore(24 * 40), '99999999.00'), txn(`${run}-future`, new Date(Date.parse(ASOF) + 60_000).toISOString(), '99999999.00'));
  await db('transactions').insert(rows);

  await db('hqla_holdings').insert([
    { as_of_date: '2032-06-14', asset_ref: 'CBK reserves', level: '1', market_value: '80000000.00' },
    { as_of_date: '2032-06-14', asset_ref: 'corporate bonds', level: '2A', market_value: '40000000.00' },
  ]);
  await db('cash_flow_forecasts').insert([
    { as_of_date: '2032-06-14', direction: 'outflow', category: 'retail deposits', balance: '1000000000.00', rate: '0.10' },
    { as_of_date: '2032-06-14', direction: 'inflow', category: 'performing loans', balance: '20000000.00', rate: '0.50' },
  ]);
  // positions from two weeks ago: too old to use (PORTFOLIO_INPUT_MAX_AGE 3d)
  await db('fx_positions').insert({ as_of_date: '2032-06-01', currency: 'USD', amount: '1000000.00' });
});

afterAll(async () => {
  await db.destroy();
});

describe('the input tables', () => {
  it('refuse what the models could not judge, naming the constraint', async () => {
    await expect(db('hqla_holdings').insert({ as_of_date: '2032-01-01', asset_ref: 'x', level: '3', market_value: '1.00' })).rejects.toThrow(/hqla_holdings_level_check/);
    await expect(db('hqla_holdings').insert({ as_of_date: '2032-01-01', asset_ref: 'x', level: '1', market_value: '1.00', haircut: '1.5' })).rejects.toThrow(/hqla_holdings_haircut_check/);
    await expect(db('cash_flow_forecasts').insert({ as_of_date: '2032-01-01', direction: 'sideways', category: 'x', balance: '1', rate: '0.1' })).rejects.toThrow(/cash_flow_forecasts_direction_check/);
    await expect(db('fx_positions').insert({ as_of_date: '2032-01-01', currency: 'KES', amount: '1.00' })).rejects.toThrow(/fx_positions_currency_check/);
    await expect(db('fx_rates').insert({ currency: 'USD', rate_date: '2032-01-01', kes_per_unit: '0' })).rejects.toThrow(/fx_rates_positive_check/);
    await db('fx_rates').insert({ currency: 'ZAR', rate_date: '2032-01-01', kes_per_unit: '7.123456' });
    await expect(db('fx_rates').insert({ currency: 'ZAR', rate_date: '2032-01-01', kes_per_unit: '7.2' })).rejects.toThrow(/fx_rates_pkey/);
  });
});

describe('computePortfolioMetrics', () => {
  it('reads the window of transactions, the latest liquidity inputs, and leaves stale positions out', async () => {
    const result = await acts.computePortfolioMetrics({ asOf: ASOF });
    expect(result.asOfDate).toBe('2032-06-15');
    const by = Object.fromEntries(result.metrics.filter((m) => m.scope === 'book').map((m) => [m.metric, m]));
    // last 30 days: 30 steady + 3 burst; above 1,000,000: two (1,000,000.00 is not above)
    expect(by.large_transaction_share).toMatchObject({ value: '0.060606', status: 'OK', details: { transactions: 33, large: 2 } });
    // last 24 hours: the steady one and the three of the burst; one above 10,000,000
    expect(by.high_value_share_24h).toMatchObject({ value: '0.250000', details: { transactions: 4, highValue: 1 } });
    // HQLA 80M + 34M (after 15%) = 114M; outflows 100M − inflows 10M = 90M → 1.266666
    expect(by.liquidity_coverage_ratio).toMatchObject({ value: '1.266666', status: 'OK', details: { asOfDate: '2032-06-14' } });
    expect(result.metrics.some((m) => m.model === 'market')).toBe(false);
    expect(result.notes).toEqual(expect.arrayContaining(['market: no recent FX positions; no market risk', 'liquidity: inputs of 2032-06-14']));
  });

  it('the bank’s day is the period', () => {
    expect(localDate('2032-06-14T21:30:00.000Z', 'Africa/Nairobi')).toBe('2032-06-15');
    expect(localDate('2032-06-14T20:30:00.000Z', 'Africa/Nairobi')).toBe('2032-06-14');
  });
});

describe('recording', () => {
  const breach = {
    model: 'liquidity' as const,
    metric: 'liquidity_coverage_ratio',
    scope: 'book',
    value: '0.900000',
    threshold: '1.0',
    status: 'WARNING' as const,
    details: { unit: 'ratio' as const, description: 'LCR', breachWhen: 'below' as const, critical: '0.8' },
  };
  const asOf = '2032-07-01T08:00:00.000Z';

  it('metrics are idempotent by run id and only book figures become breaches', async () => {
    const runId = uniqueRef('run');
    const metrics = [breach, { ...breach, model: 'credit' as const, metric: 'customer_credit_score', scope: 'customer:C1', threshold: '0.5', value: '0.7000' }];
    const first = await acts.recordPortfolioMetrics({ runId, asOf, metrics });
    const again = await acts.recordPortfolioMetrics({ runId, asOf, metrics });
    expect(again).toEqual(first);
    expect(first.recorded).toBe(2);
    expect(first.breaches.map((b) => b.metric.metric)).toEqual(['liquidity_coverage_ratio']);
    const rows = await db('risk_metrics').where({ run_id: runId });
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.scope === 'book')).toMatchObject({ value: '0.900000', threshold: '1.000000', status: 'WARNING', details: { asOf, breachWhen: 'below' } });
  });

  it('one risk event per breach per day: a later run updates it, a retried activity does not count twice', async () => {
    const scoped = { ...breach, scope: `book-${uniqueRef('s')}` };
    const runA = uniqueRef('run');
    const [{ breaches: a }] = [await acts.recordPortfolioMetrics({ runId: runA, asOf, metrics: [scoped] })];
    const first = await acts.recordPortfolioRiskEvent({ runId: runA, asOf, metricId: a[0]!.metricId, breach: scoped });
    expect(first).toMatchObject({ eventKey: `portfolio:liquidity:liquidity_coverage_ratio:${scoped.scope}:2032-07-01`, created: true, previousSeverity: null });
    const retried = await acts.recordPortfolioRiskEvent({ runId: runA, asOf, metricId: a[0]!.metricId, breach: scoped });
    expect(retried).toMatchObject({ eventId: first.eventId, created: false, previousSeverity: 'warning' });

    const runB = uniqueRef('run');
    const worse = { ...scoped, value: '0.700000', status: 'CRITICAL' as const };
    const { breaches: b } = await acts.recordPortfolioMetrics({ runId: runB, asOf: '2032-07-01T09:00:00.000Z', metrics: [worse] });
    const second = await acts.recordPortfolioRiskEvent({ runId: runB, asOf: '2032-07-01T09:00:00.000Z', metricId: b[0]!.metricId, breach: worse });
    expect(second).toMatchObject({ eventId: first.eventId, created: false, previousSeverity: 'warning' });
    const row = await db('risk_events').where({ id: first.eventId }).first();
    expect(row).toMatchObject({ category: 'liquidity', severity: 'critical', risk_metric_id: b[0]!.metricId, title: 'Kinga: LCR below floor' });
    expect(row.details).toMatchObject({ occurrences: 2, firstRunId: runA, lastRunId: runB, value: '0.700000', rating: { probability: 3, impact: 4, level: 'Very High' } });

    // the next day is another event
    const nextDay = await acts.recordPortfolioRiskEvent({ runId: uniqueRef('run'), asOf: '2032-07-02T08:00:00.000Z', metricId: b[0]!.metricId, breach: worse });
    expect(nextDay.created).toBe(true);
  });

  it('raising the notification records the register’s answer on the event; no channel → one undelivered row', async () => {
    const scoped = { ...breach, scope: `book-${uniqueRef('n')}` };
    const runId = uniqueRef('run');
    const { breaches } = await acts.recordPortfolioMetrics({ runId, asOf, metrics: [scoped] });
    const event = await acts.recordPortfolioRiskEvent({ runId, asOf, metricId: breaches[0]!.metricId, breach: scoped });
    const raised = await acts.raisePortfolioNotification({ eventKey: event.eventKey, breach: scoped, asOf, scenario: null, cisoNote: 'CISO_ENABLED=false' });
    expect(raised.notifications).toEqual([{ notificationKey: `${event.eventKey}:WARNING`, channel: null, delivered: false }]);
    expect(raised.policy).toMatchObject({ maxAttempts: 8, initialIntervalMs: 10_000 });
    const stored = await db('notifications').where({ notification_key: `${event.eventKey}:WARNING` }).first();
    expect(stored).toMatchObject({ kind: 'risk_breach', recipient_role: 'management', channel: null, payload: { status: 'WARNING', ciso: { note: 'CISO_ENABLED=false' } } });
    expect(stored.body).toContain('CISO Assistant not updated: CISO_ENABLED=false');
    expect((await db('risk_events').where({ id: event.eventId }).first()).details.ciso).toEqual({ note: 'CISO_ENABLED=false' });
  });

  it('a breach is over when a later run finds its metric OK: found once; an unreachable register leaves it to the next run, which keeps the first sighting; back the same day → open again', async () => {
    const scoped = { ...breach, scope: `book-${uniqueRef('r')}` };
    const runId = uniqueRef('run');
    const { breaches } = await acts.recordPortfolioMetrics({ runId, asOf, metrics: [scoped] });
    const event = await acts.recordPortfolioRiskEvent({ runId, asOf, metricId: breaches[0]!.metricId, breach: scoped });
    const ok = { ...scoped, value: '1.200000', status: 'OK' as const };
    const mine = async (at: string, metrics: (typeof scoped | typeof ok)[]) =>
      (await acts.findRecoveredBreaches({ asOf: at, metrics })).filter((r) => r.eventKey === event.eventKey);

    // no proof: a run before the breach was seen, the metric still beyond, the metric not computed
    expect(await mine('2032-07-01T07:00:00.000Z', [ok])).toEqual([]);
    expect(await mine('2032-07-01T12:00:00.000Z', [scoped])).toEqual([]);
    expect(await mine('2032-07-01T12:00:00.000Z', [])).toEqual([]);
    expect(await mine('2032-07-01T12:00:00.000Z', [ok])).toEqual([{ eventKey: event.eventKey, severity: 'warning', metric: ok }]);

    await acts.recordBreachRecovery({ eventKey: event.eventKey, runId: 'run-down', asOf: '2032-07-01T12:00:00.000Z', metric: ok, scenario: null, cisoNote: 'CISO Assistant set-up failed: HTTP 503', cisoRetry: true });
    const later = { ...ok, value: '1.300000' };
    expect(await mine('2032-07-01T13:00:00.000Z', [later])).toHaveLength(1);
    const scenario = { scenarioId: 'a0c7e1f2-0000-4000-8000-000000000001', refId: 'R.07', name: 'Kinga: LCR below floor (x)', treatment: 'cancelled', closed: true, keptOpen: null, url: 'https://ciso.bank.example/risk-scenarios/a0c7e1f2-0000-4000-8000-000000000001' };
    await acts.recordBreachRecovery({ eventKey: event.eventKey, runId: 'run-up', asOf: '2032-07-01T13:00:00.000Z', metric: later, scenario, cisoNote: null, cisoRetry: false });
    expect(await mine('2032-07-01T14:00:00.000Z', [later])).toEqual([]);
    expect((await db('risk_events').where({ id: event.eventId }).first()).details.recovery).toEqual({
      asOf: '2032-07-01T12:00:00.000Z',
      runId: 'run-down',
      value: '1.200000',
      threshold: '1.0',
      ciso: { scenarioId: scenario.scenarioId, refId: 'R.07', treatment: 'cancelled', closed: true, keptOpen: null, url: scenario.url },
      cisoRetry: false,
    });

    // beyond the threshold again the same day: the day's event is a current breach once more
    await acts.recordPortfolioRiskEvent({ runId: uniqueRef('run'), asOf: '2032-07-01T18:00:00.000Z', metricId: breaches[0]!.metricId, breach: scoped });
    expect((await db('risk_events').where({ id: event.eventId }).first()).details.recovery).toBeUndefined();
    expect(await mine('2032-07-01T20:00:00.000Z', [ok])).toHaveLength(1);
  });
});
