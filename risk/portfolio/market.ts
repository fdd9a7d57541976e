// Market risk of the bank's foreign-currency positions, in KES.
// - Exposure per currency: net position × the latest rate (KES per unit).
// - Net open position, shorthand method: max(sum of net long exposures, |sum of net short ones|).
// - 1-day 99% value-at-risk by historical simulation: today's exposures are revalued with each of
//   the last N observed one-day rate moves (dates on which every currency has a rate); the VaR is
//   the loss exceeded on no more than 1% of those days, i.e. the ⌈N/100⌉-th worst P&L (with
//   N = 250: the 3rd worst), and never below 0. Expected shortfall is the mean of those worst days.
// - Stressed loss: every currency makes its worst observed one-day move against the position at
//   once, over the whole rate history (no diversification) — a deliberately harsh figure.
// Money is integer cents; rates are integers at 6 places; each scenario's P&L is rounded to a cent
// per currency and then summed exactly.
import { abs, divRound, formatCents, min, multiplyDecimals, ratio, toCents, toUnits } from './decimal';
import { metric } from './judge';
import type { FxPosition, FxRate, MarketPolicy, PortfolioMetric } from './types';

const RATE_SCALE = 6;

export interface CurrencyExposure {
  currency: string;
  /** net position, foreign currency cents */
  position: bigint;
  /** KES per unit at RATE_SCALE */
  rate: bigint;
  rateDate: string;
  /** KES cents */
  exposure: bigint;
}

export interface VarResult {
  /** scenario dates (the date of the later rate of each move), oldest first */
  dates: string[];
  /** P&L in KES cents per scenario, in date order */
  pnl: bigint[];
  /** rank of the VaR scenario among the worst (1 = worst) */
  rank: number;
  var: bigint;
  expectedShortfall: bigint;
  worstDate: string | null;
}

export interface MarketResult {
  exposures: CurrencyExposure[];
  unpriced: string[];
  netOpenPosition: bigint;
  longs: bigint;
  shorts: bigint;
  var: VarResult | null;
  stressedLoss: bigint | null;
  metrics: PortfolioMetric[];
  notes: string[];
}

/** Positions summed per currency (several books may hold the same currency). */
export function netPositions(positions: FxPosition[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const p of positions) out.set(p.currency, (out.get(p.currency) ?? 0n) + toCents(p.amount, `${p.currency} position`));
  return out;
}

function rateSeries(rates: FxRate[], asOfDate: string): Map<string, Map<string, bigint>> {
  const byCurrency = new Map<string, Map<string, bigint>>();
  for (const r of rates) {
    if (r.date > asOfDate) continue;
    const units = toUnits(r.rate, RATE_SCALE, `${r.currency} rate on ${r.date}`);
    if (units <= 0n) throw new Error(`${r.currency} rate on ${r.date} must be positive`);
    let series = byCurrency.get(r.currency);
    if (!series) byCurrency.set(r.currency, (series = new Map()));
    series.set(r.date, units);
  }
  return byCurrency;
}

export function exposures(positions: FxPosition[], rates: FxRate[], asOfDate: string): { exposures: CurrencyExposure[]; unpriced: string[] } {
  const series = rateSeries(rates, asOfDate);
  const out: CurrencyExposure[] = [];
  const unpriced: string[] = [];
  for (const [currency, position] of [...netPositions(positions)].sort(([a], [b]) => a.localeCompare(b))) {
    const s = series.get(currency);
    const rateDate = s ? [...s.keys()].sort().at(-1) : undefined;
    if (!s || !rateDate) {
      unpriced.push(currency);
      continue;
    }
    const rate = s.get(rateDate)!;
    // cents × (KES per unit at 6 places) / 10^6 → KES cents
    out.push({ currency, position, rate, rateDate, exposure: divRound(position * rate, 10n ** BigInt(RATE_SCALE)) });
  }
  return { exposures: out, unpriced };
}

/** The ⌈N·(1 − 0.99)⌉-th worst scenario: N = 250 → 3, N = 100 → 1, N = 101 → 2. */
export function varRank(scenarios: number): number {
  return Math.max(1, Math.ceil(scenarios / 100));
}

export function historicalVar(exposureList: CurrencyExposure[], rates: FxRate[], asOfDate: string, window: number): VarResult | null {
  if (exposureList.length === 0) return null;
  const series = rateSeries(rates, asOfDate);
  const perCurrency = exposureList.map((e) => series.get(e.currency)!);
  // dates on which every currency has a rate
  const common = [...perCurrency[0]!.keys()].filter((d) => perCurrency.every((s) => s.has(d))).sort();
  const used = common.slice(-(window + 1));
  if (used.length < 2) return null;
  const dates: string[] = [];
  const pnl: bigint[] = [];
  for (let i = 1; i < used.length; i++) {
    let total = 0n;
    exposureList.forEach((e, c) => {
      const before = perCurrency[c]!.get(used[i - 1]!)!;
      const after = perCurrency[c]!.get(used[i]!)!;
      total += divRound(e.exposure * (after - before), before);
    });
    dates.push(used[i]!);
    pnl.push(total);
  }
  const order = pnl.map((v, i) => i).sort((a, b) => (pnl[a]! < pnl[b]! ? -1 : pnl[a]! > pnl[b]! ? 1 : a - b));
  const rank = varRank(pnl.length);
  const worst = order.slice(0, rank).map((i) => pnl[i]!);
  const varCents = -worst[rank - 1]! > 0n ? -worst[rank - 1]! : 0n;
  const tailLoss = -worst.reduce((a, b) => a + b, 0n);
  const es = tailLoss > 0n ? divRound(tailLoss, BigInt(rank)) : 0n;
  return { dates, pnl, rank, var: varCents, expectedShortfall: es, worstDate: dates[order[0]!] ?? null };
}

/** Each currency's worst one-day move against the position, all at once. */
export function stressedLoss(exposureList: CurrencyExposure[], rates: FxRate[], asOfDate: string): bigint | null {
  const series = rateSeries(rates, asOfDate);
  let total = 0n;
  let any = false;
  for (const e of exposureList) {
    const s = [...(series.get(e.currency) ?? new Map<string, bigint>()).entries()].sort(([a], [b]) => a.localeCompare(b));
    let worst = 0n;
    for (let i = 1; i < s.length; i++) {
      const loss = -divRound(e.exposure * (s[i]![1] - s[i - 1]![1]), s[i - 1]![1]);
      if (loss > worst) worst = loss;
      any = true;
    }
    total += worst;
  }
  return any ? total : null;
}

const KES = (cents: bigint) => ratio(cents, 100n);

export function marketRisk(positions: FxPosition[], rates: FxRate[], policy: MarketPolicy, asOfDate: string): MarketResult {
  const notes: string[] = [];
  const { exposures: list, unpriced } = exposures(positions, rates, asOfDate);
  if (unpriced.length) notes.push(`market: no rate on or before ${asOfDate} for ${unpriced.join(', ')}; left out`);
  const longs = list.filter((e) => e.exposure > 0n).reduce((a, e) => a + e.exposure, 0n);
  const shorts = list.filter((e) => e.exposure < 0n).reduce((a, e) => a + e.exposure, 0n);
  const nop = longs > abs(shorts) ? longs : abs(shorts);
  const metrics: PortfolioMetric[] = [];
  for (const e of list) {
    metrics.push(
      metric({
        model: 'market',
        metric: 'fx_exposure',
        scope: `currency:${e.currency}`,
        value: KES(e.exposure),
        places: 2,
        limit: null,
        side: 'above',
        details: {
          unit: 'KES',
          description: `Net ${e.currency} position valued in KES (positive long, negative short)`,
          position: formatCents(e.position),
          rate: formatRate(e.rate),
          rateDate: e.rateDate,
        },
      }),
    );
  }
  if (list.length === 0) return { exposures: list, unpriced, netOpenPosition: 0n, longs, shorts, var: null, stressedLoss: null, metrics, notes };

  const critical = (limit: string) => ({ threshold: limit, critical: multiplyDecimals(limit, policy.criticalMultiple) });
  metrics.push(
    metric({
      model: 'market',
      metric: 'fx_net_open_position',
      scope: 'book',
      value: KES(nop),
      places: 2,
      limit: policy.nopLimit ? critical(policy.nopLimit) : null,
      side: 'above',
      details: {
        unit: 'KES',
        description: 'FX net open position (shorthand method): the larger of net longs and net shorts, in KES',
        longs: formatCents(longs),
        shorts: formatCents(shorts),
        currencies: list.map((e) => e.currency),
      },
    }),
  );

  const v = historicalVar(list, rates, asOfDate, policy.varWindow);
  if (!v) notes.push('market: fewer than two dates on which every currency has a rate; no value-at-risk');
  else {
    if (v.pnl.length < policy.varWindow) notes.push(`market: value-at-risk over ${v.pnl.length} scenarios (window ${policy.varWindow})`);
    metrics.push(
      metric({
        model: 'market',
        metric: 'fx_var_1d_99',
        scope: 'book',
        value: KES(v.var),
        places: 2,
        limit: critical(policy.varLimit),
        side: 'above',
        details: {
          unit: 'KES',
          description: '1-day 99% value-at-risk of the FX positions, historical simulation',
          scenarios: v.pnl.length,
          rank: v.rank,
          expectedShortfall: formatCents(v.expectedShortfall),
          worstDate: v.worstDate,
          worstLoss: formatCents(-min(0n, ...v.pnl)),
          from: v.dates[0],
          to: v.dates[v.dates.length - 1],
        },
      }),
    );
  }
  const stressed = stressedLoss(list, rates, asOfDate);
  if (stressed !== null) {
    metrics.push(
      metric({
        model: 'market',
        metric: 'fx_stressed_loss',
        scope: 'book',
        value: KES(stressed),
        places: 2,
        limit: policy.stressLimit ? critical(policy.stressLimit) : null,
        side: 'above',
        details: {
          unit: 'KES',
          description: "Loss if every currency made its worst observed one-day move against the bank's position at once",
        },
      }),
    );
  }
  return { exposures: list, unpriced, netOpenPosition: nop, longs, shorts, var: v, stressedLoss: stressed, metrics, notes };
}

function formatRate(units: bigint): string {
  const s = units.toString().padStart(RATE_SCALE + 1, '0');
  return `${s.slice(0, -RATE_SCALE)}.${s.slice(-RATE_SCALE)}`;
}
