// Credit risk from transaction behaviour, per customer and for the book. The old engine's two
// signals are kept — largest daily volume over 5× the average daily volume (0.3) and more than
// 10% of transactions above 1,000,000 KES (0.2) — and two are added: transaction velocity (0.2)
// and a behaviour shift, the recent average daily volume against the customer's own baseline
// (0.3). A customer's score is the sum of the signals that fire, capped at 1.
//
// Days are 24-hour buckets counted back from the as-of time (bucket 0 = the last 24 hours), so a
// run in the middle of a day compares whole days. Volumes are integer cents.
import { compareRatio, divRound, ratio, toCents, type Ratio } from './decimal';
import { judge, metric } from './judge';
import type { CreditPolicy, CustomerDayActivity, Limit, MetricStatus, PortfolioMetric } from './types';

/** Score points (1/10 000) of each signal of the customer score. */
export const CUSTOMER_SIGNAL_POINTS = { peakRatio: 3000, largeShare: 2000, velocity: 2000, behaviourShift: 3000 } as const;
export type CustomerSignal = keyof typeof CUSTOMER_SIGNAL_POINTS;

interface Totals {
  count: number;
  volume: bigint;
  large: number;
  highValue: number;
}

const empty = (): Totals => ({ count: 0, volume: 0n, large: 0, highValue: 0 });

function add(t: Totals, a: CustomerDayActivity, cents: bigint): void {
  t.count += a.count;
  t.volume += cents;
  t.large += a.largeCount;
  t.highValue += a.highValueCount;
}

/** What one customer's (or the book's) buckets add up to. */
export interface ActivitySummary {
  window: Totals;
  recent: Totals;
  baseline: Totals;
  /** volume per active day in the window, by day index */
  daily: Map<number, bigint>;
  day0: Totals;
}

export function summarise(rows: CustomerDayActivity[], policy: Pick<CreditPolicy, 'windowDays' | 'recentDays' | 'baselineDays'>): ActivitySummary {
  const s: ActivitySummary = { window: empty(), recent: empty(), baseline: empty(), daily: new Map(), day0: empty() };
  for (const a of rows) {
    const cents = toCents(a.volume, `volume of ${a.customerId} on day ${a.dayIndex}`);
    if (a.dayIndex < 0) continue;
    if (a.dayIndex < policy.windowDays) {
      add(s.window, a, cents);
      if (a.count > 0) s.daily.set(a.dayIndex, (s.daily.get(a.dayIndex) ?? 0n) + cents);
    }
    if (a.dayIndex === 0) add(s.day0, a, cents);
    if (a.dayIndex < policy.recentDays) add(s.recent, a, cents);
    else if (a.dayIndex < policy.recentDays + policy.baselineDays) add(s.baseline, a, cents);
  }
  return s;
}

/** Largest daily volume ÷ average daily volume over the active days (the old engine's measure). */
export function peakRatio(s: ActivitySummary): Ratio | null {
  if (s.daily.size === 0 || s.window.volume <= 0n) return null;
  let peak = 0n;
  for (const v of s.daily.values()) if (v > peak) peak = v;
  return ratio(peak * BigInt(s.daily.size), s.window.volume);
}

export function largeShare(s: ActivitySummary): Ratio | null {
  return s.window.count > 0 ? ratio(BigInt(s.window.large), BigInt(s.window.count)) : null;
}

/** Transactions per day over the recent window. */
export function velocity(s: ActivitySummary, policy: Pick<CreditPolicy, 'recentDays'>): Ratio {
  return ratio(BigInt(s.recent.count), BigInt(policy.recentDays));
}

/** Recent transactions per day ÷ baseline transactions per day; null on a thin baseline. */
export function velocityShift(s: ActivitySummary, policy: Pick<CreditPolicy, 'recentDays' | 'baselineDays' | 'minBaselineTransactions'>): Ratio | null {
  if (s.baseline.count < Math.max(1, policy.minBaselineTransactions)) return null;
  return ratio(BigInt(s.recent.count) * BigInt(policy.baselineDays), BigInt(s.baseline.count) * BigInt(policy.recentDays));
}

/** Recent average daily volume ÷ baseline average daily volume; null on a thin baseline. */
export function behaviourShift(s: ActivitySummary, policy: Pick<CreditPolicy, 'recentDays' | 'baselineDays' | 'minBaselineTransactions'>): Ratio | null {
  if (s.baseline.count < Math.max(1, policy.minBaselineTransactions) || s.baseline.volume <= 0n) return null;
  return ratio(s.recent.volume * BigInt(policy.baselineDays), s.baseline.volume * BigInt(policy.recentDays));
}

export interface CustomerAssessment {
  customerId: string;
  /** basis points, 0..10 000 */
  points: number;
  status: MetricStatus;
  signals: Record<CustomerSignal, { value: string | null; fired: boolean }>;
  transactions: number;
}

/** A score reaches its limit at the threshold itself ("≥"), unlike the other figures. */
function judgeScore(points: number, limit: Limit): MetricStatus {
  const score = ratio(BigInt(points), 10_000n);
  if (compareRatio(score, limit.critical) >= 0) return 'CRITICAL';
  return compareRatio(score, limit.threshold) >= 0 ? 'WARNING' : 'OK';
}

export function assessCustomer(customerId: string, rows: CustomerDayActivity[], policy: CreditPolicy): CustomerAssessment {
  const s = summarise(rows, policy);
  const figures: Record<CustomerSignal, [Ratio | null, Limit]> = {
    peakRatio: [peakRatio(s), policy.peakRatio],
    largeShare: [largeShare(s), policy.largeShare],
    velocity: [velocity(s, policy), policy.customerVelocity],
    behaviourShift: [behaviourShift(s, policy), policy.behaviourShift],
  };
  let points = 0;
  const signals = {} as CustomerAssessment['signals'];
  for (const name of Object.keys(figures) as CustomerSignal[]) {
    const [value, limit] = figures[name];
    const fired = value !== null && judge(value, limit, 'above') !== 'OK';
    if (fired) points += CUSTOMER_SIGNAL_POINTS[name];
    signals[name] = { value: value ? formatFigure(value) : null, fired };
  }
  points = Math.min(points, 10_000);
  return { customerId, points, status: judgeScore(points, policy.customerScore), signals, transactions: s.window.count };
}

function formatFigure(r: Ratio): string {
  const units = divRound(r.num * 10_000n, r.den);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

export interface CreditResult {
  metrics: PortfolioMetric[];
  customers: CustomerAssessment[];
  notes: string[];
}

export function creditRisk(rows: CustomerDayActivity[], policy: CreditPolicy): CreditResult {
  const notes: string[] = [];
  const metrics: PortfolioMetric[] = [];
  const byCustomer = new Map<string, CustomerDayActivity[]>();
  for (const r of rows) {
    let list = byCustomer.get(r.customerId);
    if (!list) byCustomer.set(r.customerId, (list = []));
    list.push(r);
  }
  const book = summarise(rows, policy);
  if (book.window.count === 0) {
    notes.push(`credit: no transactions in the last ${policy.windowDays} days`);
    return { metrics, customers: [], notes };
  }
  const base = { model: 'credit' as const, scope: 'book', side: 'above' as const };

  const share = largeShare(book)!;
  metrics.push(
    metric({
      ...base,
      metric: 'large_transaction_share',
      value: share,
      places: 6,
      limit: policy.largeShare,
      details: {
        unit: 'share',
        description: `Share of the last ${policy.windowDays} days' transactions above ${policy.largeAmount} KES`,
        transactions: book.window.count,
        large: book.window.large,
      },
    }),
  );
  const peak = peakRatio(book);
  if (peak) {
    metrics.push(
      metric({
        ...base,
        metric: 'peak_daily_volume_ratio',
        value: peak,
        places: 6,
        limit: policy.peakRatio,
        details: { unit: 'ratio', description: 'Largest daily volume ÷ average daily volume of the book', activeDays: book.daily.size },
      }),
    );
  }
  const vShift = velocityShift(book, policy);
  const bShift = behaviourShift(book, policy);
  if (!vShift || !bShift) notes.push(`credit: fewer than ${policy.minBaselineTransactions} baseline transactions; no book velocity or behaviour shift`);
  if (vShift) {
    metrics.push(
      metric({
        ...base,
        metric: 'velocity_shift',
        value: vShift,
        places: 6,
        limit: policy.bookVelocityShift,
        details: {
          unit: 'ratio',
          description: `Transactions per day over the last ${policy.recentDays} days ÷ over the ${policy.baselineDays} days before`,
          recent: book.recent.count,
          baseline: book.baseline.count,
        },
      }),
    );
  }
  if (bShift) {
    metrics.push(
      metric({
        ...base,
        metric: 'behaviour_shift',
        value: bShift,
        places: 6,
        limit: policy.behaviourShift,
        details: { unit: 'ratio', description: `Average daily volume over the last ${policy.recentDays} days ÷ over the ${policy.baselineDays} days before` },
      }),
    );
  }
  if (book.day0.count > 0) {
    metrics.push(
      metric({
        ...base,
        metric: 'high_value_share_24h',
        value: ratio(BigInt(book.day0.highValue), BigInt(book.day0.count)),
        places: 6,
        limit: policy.highValueShare24h,
        details: {
          unit: 'share',
          description: `Share of the last 24 hours' transactions above ${policy.highValueAmount} KES`,
          transactions: book.day0.count,
          highValue: book.day0.highValue,
        },
      }),
    );
  }

  const customers = [...byCustomer.entries()]
    .filter(([, list]) => list.some((r) => r.dayIndex < policy.windowDays && r.count > 0))
    .map(([id, list]) => assessCustomer(id, list, policy));
  const flagged = customers.filter((c) => c.status !== 'OK').sort((a, b) => b.points - a.points || a.customerId.localeCompare(b.customerId));
  metrics.push(
    metric({
      ...base,
      metric: 'customers_flagged_share',
      value: ratio(BigInt(flagged.length), BigInt(Math.max(1, customers.length))),
      places: 6,
      limit: policy.flaggedShare,
      details: {
        unit: 'share',
        description: `Share of active customers whose credit score is at least ${policy.customerScore.threshold}`,
        customers: customers.length,
        flagged: flagged.length,
        worst: flagged.slice(0, 10).map((c) => ({ customerId: c.customerId, score: formatFigure(ratio(BigInt(c.points), 10_000n)) })),
      },
    }),
  );
  if (flagged.length > policy.maxCustomerMetrics) notes.push(`credit: ${flagged.length} customers flagged; the ${policy.maxCustomerMetrics} worst are reported one by one`);
  for (const c of flagged.slice(0, policy.maxCustomerMetrics)) {
    metrics.push({
      model: 'credit',
      metric: 'customer_credit_score',
      scope: `customer:${c.customerId}`,
      value: formatFigure(ratio(BigInt(c.points), 10_000n)),
      threshold: policy.customerScore.threshold,
      status: c.status,
      details: {
        unit: 'score',
        description: 'Credit score from transaction behaviour (peak day 0.3, large share 0.2, velocity 0.2, behaviour shift 0.3)',
        breachWhen: 'above',
        critical: policy.customerScore.critical,
        signals: c.signals,
        transactions: c.transactions,
      },
    });
  }
  return { metrics, customers, notes };
}
