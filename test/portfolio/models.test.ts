// The portfolio models on hand-checkable inputs: exact decimals, the Basel III LCR with its
// haircuts and caps, FX historical-simulation VaR, credit thresholds, and the breach mapping onto
// CISO Assistant's 5×5 matrix.
import { describe, expect, it } from 'vitest';
import { loadPortfolioConfig } from '../../config/portfolio';
import {
  afterHaircut,
  assessCustomer,
  breachEventKey,
  compareRatio,
  computePortfolio,
  creditRisk,
  exposures,
  formatCents,
  historicalVar,
  hqlaStock,
  isEscalated,
  liquidityCoverage,
  marketRisk,
  multiplyDecimals,
  netCashOutflows,
  rateBreach,
  ratio,
  scenarioName,
  stressedLoss,
  toCents,
  varRank,
  type CashFlow,
  type CustomerDayActivity,
  type FxRate,
  type HqlaHolding,
  type PortfolioMetric,
} from '../../risk/portfolio';
import { divRound, formatUnits, toUnits } from '../../risk/portfolio/decimal';

const policies = loadPortfolioConfig({});

describe('exact decimals', () => {
  it('parses and prints without floats', () => {
    expect(toCents('12345678901.23')).toBe(1234567890123n);
    expect(toCents('-0.5')).toBe(-50n);
    expect(formatUnits(-5n, 2)).toBe('-0.05');
    expect(toUnits('0.1500', 4)).toBe(1500n);
    expect(() => toCents('1.005')).toThrow(/more than 2 decimal places/);
    expect(() => toCents('1e6')).toThrow(/not a decimal/);
  });

  it('rounds half away from zero and compares ratios exactly', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(compareRatio(ratio(1n, 10n), '0.1')).toBe(0);
    expect(compareRatio(ratio(100_000_001n, 1_000_000_000n), '0.1')).toBe(1);
    expect(multiplyDecimals('0.10', '2')).toBe('0.2');
    expect(multiplyDecimals('50000000', '1.5')).toBe('75000000');
  });
});

describe('liquidity coverage ratio (Basel III)', () => {
  const holdings: HqlaHolding[] = [
    { assetRef: 'CBK reserves', level: '1', marketValue: '60000000.00', haircut: null },
    { assetRef: 'KE T-bills', level: '1', marketValue: '40000000.00', haircut: null },
    { assetRef: 'AAA corporate bonds', level: '2A', marketValue: '200000000.00', haircut: null },
    { assetRef: 'listed equities', level: '2B', marketValue: '100000000.00', haircut: null },
  ];

  it('applies the haircuts by level, or the holding’s own', () => {
    expect(afterHaircut(holdings[2]!, policies.liquidity)).toBe(toCents('170000000.00'));
    expect(afterHaircut(holdings[3]!, policies.liquidity)).toBe(toCents('50000000.00'));
    expect(afterHaircut({ assetRef: 'RMBS', level: '2B', marketValue: '1000.00', haircut: '0.25' }, policies.liquidity)).toBe(toCents('750.00'));
    // 0.15 off 0.05 KES = 0.0425 → 0.04, rounded against the bank
    expect(afterHaircut({ assetRef: 'tiny', level: '2A', marketValue: '0.05', haircut: null }, policies.liquidity)).toBe(4n);
  });

  it('caps Level 2B at 15% and Level 2 at 40% of the stock', () => {
    // L1 100M, L2A 170M, L2B 50M after haircuts.
    // 15% cap: max(50M − 15/85·270M, 50M − 15/60·100M, 0) = max(2.35M, 25M) = 25M
    // 40% cap: max(170M + 50M − 25M − 2/3·100M, 0) = 195M − 66,666,666.66 = 128,333,333.34
    const s = hqlaStock(holdings, policies.liquidity);
    expect(formatCents(s.level1)).toBe('100000000.00');
    expect(formatCents(s.capAdjustment15)).toBe('25000000.00');
    expect(formatCents(s.capAdjustment40)).toBe('128333333.34');
    expect(formatCents(s.total)).toBe('166666666.66');
    // what is left is exactly within the caps: Level 2 ≤ 40%, Level 2B ≤ 15% of the stock
    expect(Number(s.total - s.level1) / Number(s.total)).toBeCloseTo(0.4, 6);
    expect(Number(s.level2b - s.capAdjustment15) / Number(s.total)).toBeCloseTo(0.15, 6);
  });

  it('leaves a stock within the caps alone', () => {
    const s = hqlaStock(
      [
        { assetRef: 'cash', level: '1', marketValue: '900.00', haircut: null },
        { assetRef: 'bond', level: '2A', marketValue: '100.00', haircut: null },
      ],
      policies.liquidity,
    );
    expect(s.capAdjustment15).toBe(0n);
    expect(s.capAdjustment40).toBe(0n);
    expect(formatCents(s.total)).toBe('985.00');
  });

  it('counts inflows up to 75% of outflows', () => {
    const flows: CashFlow[] = [
      { category: 'retail deposits, stable', direction: 'outflow', balance: '500000000.00', rate: '0.05' },
      { category: 'retail deposits, less stable', direction: 'outflow', balance: '400000000.00', rate: '0.10' },
      { category: 'unsecured wholesale, operational', direction: 'outflow', balance: '300000000.00', rate: '0.25' },
      { category: 'unsecured wholesale, non-operational', direction: 'outflow', balance: '200000000.00', rate: '0.40' },
      { category: 'performing loans', direction: 'inflow', balance: '500000000.00', rate: '0.50' },
    ];
    const n = netCashOutflows(flows, policies.liquidity);
    expect(formatCents(n.outflows)).toBe('220000000.00'); // 25M + 40M + 75M + 80M
    expect(formatCents(n.inflows)).toBe('250000000.00');
    expect(formatCents(n.inflowsCounted)).toBe('165000000.00'); // 75% of 220M
    expect(formatCents(n.net)).toBe('55000000.00');
  });

  const outflow = (balance: string): CashFlow[] => [{ category: 'deposits', direction: 'outflow', balance, rate: '1' }];

  it('judges against the floor (100%) and the warning band (80%)', () => {
    // HQLA 166,666,666.66
    const ok = liquidityCoverage(holdings, outflow('166666666.66'), policies.liquidity).metric!;
    expect(ok).toMatchObject({ model: 'liquidity', metric: 'liquidity_coverage_ratio', scope: 'book', value: '1.000000', threshold: '1.0', status: 'OK' });
    const warning = liquidityCoverage(holdings, outflow('200000000.00'), policies.liquidity).metric!;
    expect(warning).toMatchObject({ value: '0.833333', status: 'WARNING' });
    expect(warning.details).toMatchObject({ breachWhen: 'below', critical: '0.8', hqla: { total: '166666666.66' }, cashFlows: { netOutflows: '200000000.00' } });
    const critical = liquidityCoverage(holdings, outflow('220000000.00'), policies.liquidity).metric!;
    expect(critical).toMatchObject({ value: '0.757575', status: 'CRITICAL' });
  });

  it('is exact where floats are not: 0.30 of assets against 0.10 + 0.20 of outflows is 100%', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the trap
    const m = liquidityCoverage(
      [{ assetRef: 'cash', level: '1', marketValue: '0.30', haircut: null }],
      [
        { category: 'a', direction: 'outflow', balance: '0.10', rate: '1' },
        { category: 'b', direction: 'outflow', balance: '0.20', rate: '1' },
      ],
      policies.liquidity,
    ).metric!;
    expect(m).toMatchObject({ value: '1.000000', status: 'OK' });
  });

  it('gives no ratio without net outflows', () => {
    expect(liquidityCoverage(holdings, [], policies.liquidity).metric).toBeNull();
  });
});

describe('market risk: FX exposure and historical-simulation VaR', () => {
  // KES per USD over 11 days; the last one (100) values the position
  const path = [100, 101, 100, 102, 99, 100, 103, 101, 100, 98, 100];
  const dates = path.map((_, i) => `2031-03-${String(i + 1).padStart(2, '0')}`);
  const usd: FxRate[] = path.map((r, i) => ({ currency: 'USD', date: dates[i]!, rate: `${r}.000000` }));
  const eur: FxRate[] = path.map((r, i) => ({ currency: 'EUR', date: dates[i]!, rate: `${r}` }));

  it('takes the ⌈N/100⌉-th worst scenario', () => {
    expect([varRank(10), varRank(100), varRank(101), varRank(250)]).toEqual([1, 1, 2, 3]);
  });

  it('a long position: VaR is the worst one-day move of the window (N = 10)', () => {
    const { exposures: list } = exposures([{ currency: 'USD', amount: '1000000.00' }], usd, '2031-03-11');
    expect(formatCents(list[0]!.exposure)).toBe('100000000.00');
    const v = historicalVar(list, usd, '2031-03-11', 250)!;
    expect(v.pnl.length).toBe(10);
    // worst day: 102 → 99, −3/102 of 100,000,000 = −2,941,176.47
    expect(formatCents(v.var)).toBe('2941176.47');
    expect(v.worstDate).toBe('2031-03-05');
    expect(formatCents(v.expectedShortfall)).toBe('2941176.47');
    // the window can be shorter than the history: the last 3 moves are +0, −2%, +2.04%
    expect(formatCents(historicalVar(list, usd, '2031-03-11', 2)!.var)).toBe('2000000.00');
    expect(formatCents(stressedLoss(list, usd, '2031-03-11')!)).toBe('2941176.47');
  });

  it('a hedged book has no VaR, but its stressed loss adds up both worst moves', () => {
    const positions = [
      { currency: 'USD', amount: '1000000.00' },
      { currency: 'EUR', amount: '-1000000.00' },
    ];
    const result = marketRisk(positions, [...usd, ...eur], policies.market, '2031-03-11');
    const byName = Object.fromEntries(result.metrics.map((m) => [`${m.metric}:${m.scope}`, m]));
    expect(byName['fx_exposure:currency:EUR']!.value).toBe('-100000000.00');
    expect(byName['fx_net_open_position:book']).toMatchObject({ value: '100000000.00', threshold: null, status: 'OK' });
    expect(byName['fx_var_1d_99:book']).toMatchObject({ value: '0.00', threshold: '50000000', status: 'OK' });
    // long USD loses on 102 → 99 (2,941,176.47); short EUR loses on 100 → 103 (3,000,000.00)
    expect(byName['fx_stressed_loss:book']!.value).toBe('5941176.47');
  });

  it('judges the VaR against its limit, critical at 1.5×', () => {
    const big = [{ currency: 'USD', amount: '20000000.00' }]; // 2,000,000,000 KES: VaR 58,823,529.41
    const warn = marketRisk(big, usd, policies.market, '2031-03-11').metrics.find((m) => m.metric === 'fx_var_1d_99')!;
    expect(warn).toMatchObject({ value: '58823529.41', status: 'WARNING' });
    const huge = [{ currency: 'USD', amount: '40000000.00' }]; // VaR 117,647,058.82 > 75,000,000
    expect(marketRisk(huge, usd, policies.market, '2031-03-11').metrics.find((m) => m.metric === 'fx_var_1d_99')!.status).toBe('CRITICAL');
  });

  it('ignores rates after the as-of date and reports unpriced currencies', () => {
    const result = marketRisk([{ currency: 'USD', amount: '1.00' }, { currency: 'GBP', amount: '1.00' }], usd, policies.market, '2031-03-05');
    expect(result.exposures[0]).toMatchObject({ currency: 'USD', rateDate: '2031-03-05' });
    expect(result.unpriced).toEqual(['GBP']);
    expect(result.notes.join(' ')).toMatch(/GBP/);
  });
});

describe('credit risk', () => {
  const day = (customerId: string, dayIndex: number, count: number, volume: string, largeCount = 0, highValueCount = 0): CustomerDayActivity => ({
    customerId,
    dayIndex,
    count,
    volume,
    largeCount,
    highValueCount,
  });

  it('scores a customer from the signals that fire (old engine: peak 0.3 + large share 0.2)', () => {
    // ten active days, nine of 100,000 and one of 1,000,000: peak 1,000,000 / 190,000 = 5.26 > 5
    const days = [...Array(9).keys()].map((i) => day('C1', i + 1, 1, '100000.00')).concat(day('C1', 20, 1, '1000000.00'));
    const onlyPeak = assessCustomer('C1', days, policies.credit);
    expect(onlyPeak.signals.peakRatio).toEqual({ value: '5.2632', fired: true });
    expect(onlyPeak).toMatchObject({ points: 3000, status: 'OK' });

    // two of the ten above 1,000,000 (20% > 10%): 0.3 + 0.2 = 0.5, which reaches the warning score
    const withLarge = assessCustomer('C1', days.map((d, i) => (i < 2 ? { ...d, largeCount: 1 } : d)), policies.credit);
    expect(withLarge.signals.largeShare).toEqual({ value: '0.2000', fired: true });
    expect(withLarge).toMatchObject({ points: 5000, status: 'WARNING' });
  });

  it('velocity and behaviour shift against the customer’s own baseline', () => {
    // recent 7 days: 12 a day, 1,000,000 a day; baseline (days 7–36): 1 a day, 100,000 a day
    const rows = [...Array(7).keys()].map((i) => day('C2', i, 12, '1000000.00')).concat([...Array(30).keys()].map((i) => day('C2', i + 7, 1, '100000.00')));
    const c = assessCustomer('C2', rows, policies.credit);
    expect(c.signals.velocity).toEqual({ value: '12.0000', fired: true }); // > 10 a day
    expect(c.signals.behaviourShift).toEqual({ value: '10.0000', fired: true }); // > 3×
    expect(c.signals.peakRatio.fired).toBe(false);
    expect(c).toMatchObject({ points: 5000, status: 'WARNING' });
    // all four: 0.3 + 0.2 + 0.2 + 0.3 = 1.0
    const all = assessCustomer('C2', rows.map((r) => (r.dayIndex === 0 ? { ...r, volume: '90000000.00', largeCount: 12 } : r)), policies.credit);
    expect(all).toMatchObject({ points: 10000, status: 'CRITICAL' });
  });

  it('no behaviour shift on a thin baseline', () => {
    const c = assessCustomer('C3', [day('C3', 0, 3, '900000.00'), day('C3', 8, 1, '10.00')], policies.credit);
    expect(c.signals.behaviourShift).toEqual({ value: null, fired: false });
  });

  it('book shares: exactly 10% is within, 11% a warning, 21% critical', () => {
    const book = (large: number) => creditRisk([day('C4', 1, 100, '5000000.00', large)], policies.credit).metrics.find((m) => m.metric === 'large_transaction_share')!;
    expect(book(10)).toMatchObject({ value: '0.100000', threshold: '0.10', status: 'OK' });
    expect(book(11).status).toBe('WARNING');
    expect(book(21)).toMatchObject({ status: 'CRITICAL', details: { critical: '0.2' } });
  });

  it('the old engine’s high-value alert: over 10% of the last 24 hours above 10,000,000', () => {
    const m = creditRisk([day('C5', 0, 10, '200000000.00', 10, 2)], policies.credit).metrics.find((x) => x.metric === 'high_value_share_24h')!;
    expect(m).toMatchObject({ value: '0.200000', status: 'WARNING' });
  });

  it('reports flagged customers one by one, worst first, and their share of the book', () => {
    const rows: CustomerDayActivity[] = [];
    for (let c = 0; c < 20; c++) rows.push(day(`N${c}`, 3, 1, '1000.00'));
    // two customers with a peak day (≫ 5× their average) of two large transactions (2 of 11 > 10%)
    for (const id of ['F1', 'F2']) {
      for (let i = 1; i <= 9; i++) rows.push(day(id, i, 1, '10.00'));
      rows.push(day(id, 10, 2, '5000000.00', 2));
    }
    const result = creditRisk(rows, policies.credit);
    const share = result.metrics.find((m) => m.metric === 'customers_flagged_share')!;
    expect(share).toMatchObject({ value: '0.090909', status: 'WARNING' }); // 2 of 22 > 5%
    const customers = result.metrics.filter((m) => m.scope.startsWith('customer:'));
    expect(customers.map((m) => m.scope)).toEqual(['customer:F1', 'customer:F2']);
    expect(customers[0]).toMatchObject({ metric: 'customer_credit_score', value: '0.5000', status: 'WARNING' });
    // single customers are recorded, not escalated to the risk register
    expect(customers.some(isEscalated)).toBe(false);
    expect(isEscalated(share)).toBe(true);
  });

  it('says so when there is nothing to judge', () => {
    expect(creditRisk([], policies.credit)).toMatchObject({ metrics: [], notes: [expect.stringMatching(/no transactions/)] });
  });
});

describe('the whole portfolio', () => {
  it('runs only the enabled models and notes missing inputs', () => {
    const off = loadPortfolioConfig({ PORTFOLIO_CREDIT_ENABLED: 'false', PORTFOLIO_MARKET_ENABLED: 'false' });
    const result = computePortfolio({ activity: [], liquidity: null, market: null }, off);
    expect(result.metrics).toEqual([]);
    expect(result.notes).toEqual([expect.stringMatching(/^liquidity: no recent/)]);
  });
});

describe('a breach on the 5×5 matrix', () => {
  const lcr = (value: string, status: PortfolioMetric['status']): PortfolioMetric => ({
    model: 'liquidity',
    metric: 'liquidity_coverage_ratio',
    scope: 'book',
    value,
    threshold: '1.0',
    status,
    details: { unit: 'ratio', description: 'LCR', breachWhen: 'below', critical: '0.8' },
  });

  it('maps severity onto probability and impact, and the grid gives the level', () => {
    expect(rateBreach(lcr('0.850000', 'WARNING'))).toMatchObject({ probability: 2, impact: 3, level: 2 });
    expect(rateBreach(lcr('0.700000', 'CRITICAL'))).toMatchObject({ probability: 3, impact: 4, level: 4 });
    // half the floor or worse: the risk is materialising
    expect(rateBreach(lcr('0.500000', 'CRITICAL'))).toMatchObject({ probability: 4, impact: 4, level: 4 });
    const credit: PortfolioMetric = { ...lcr('0.15', 'WARNING'), model: 'credit', metric: 'large_transaction_share', threshold: '0.10', details: { unit: 'share', description: '', breachWhen: 'above', critical: '0.2' } };
    expect(rateBreach(credit)).toMatchObject({ probability: 4, impact: 2, level: 3 }); // 50% above 0.10
    expect(rateBreach({ ...credit, value: '0.12' })).toMatchObject({ probability: 2, impact: 2, level: 2 });
    expect(() => rateBreach(lcr('1.2', 'OK'))).toThrow(/not a breach/);
  });

  it('names a breach the same at every severity, and keys its event by day', () => {
    expect(scenarioName(lcr('0.85', 'WARNING'))).toBe('Kinga: LCR below floor (book)');
    expect(scenarioName(lcr('0.5', 'CRITICAL'))).toBe('Kinga: LCR below floor (book)');
    expect(scenarioName({ metric: 'fx_exposure', scope: 'currency:USD', details: lcr('1', 'OK').details })).toBe('Kinga: fx exposure below threshold (USD)');
    expect(breachEventKey(lcr('0.85', 'WARNING'), '2031-01-15')).toBe('portfolio:liquidity:liquidity_coverage_ratio:book:2031-01-15');
  });
});
