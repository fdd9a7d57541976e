// Shapes shared by the portfolio models, the portfolio workflow and its activities. Pure
// declarations. Money and ratios travel as decimal strings; thresholds too, so that a
// configured cut-off is compared exactly.

export const PORTFOLIO_MODELS = ['credit', 'liquidity', 'market'] as const;
export type PortfolioModel = (typeof PORTFOLIO_MODELS)[number];

/** OK: within the threshold; WARNING: beyond it; CRITICAL: beyond the critical line as well. */
export const METRIC_STATUSES = ['OK', 'WARNING', 'CRITICAL'] as const;
export type MetricStatus = (typeof METRIC_STATUSES)[number];

/** Which side of the threshold is a breach: a ratio that must stay up (LCR) or down (VaR). */
export type BreachSide = 'above' | 'below';

export interface MetricDetails {
  /** what `value` measures: a ratio, a share of a count, KES, transactions per day, a score */
  unit: 'ratio' | 'share' | 'KES' | 'per_day' | 'score';
  /** plain words for a manager: what the number is */
  description: string;
  /** null for a figure reported without a limit */
  breachWhen: BreachSide | null;
  /** the critical line (same unit as value), null when there is none */
  critical: string | null;
  [key: string]: unknown;
}

/** One model result, as stored in risk_metrics. */
export interface PortfolioMetric {
  model: PortfolioModel;
  metric: string;
  /** 'book', 'customer:<id>' or 'currency:<ISO 4217>' */
  scope: string;
  /** decimal string */
  value: string;
  /** decimal string; null when the figure is informational */
  threshold: string | null;
  status: MetricStatus;
  details: MetricDetails;
}

/** A pair of cut-offs: beyond `threshold` is a WARNING, beyond `critical` a CRITICAL. */
export interface Limit {
  threshold: string;
  critical: string;
}

export interface CreditPolicy {
  enabled: boolean;
  /** a transaction above this many KES is "large" (the old engine: 1,000,000) */
  largeAmount: string;
  /** a transaction above this many KES is "high value" (the old engine's 24 h alert: 10,000,000) */
  highValueAmount: string;
  /** days of the window for shares and daily volumes */
  windowDays: number;
  /** the recent window compared with the baseline */
  recentDays: number;
  /** the baseline: this many days before the recent window */
  baselineDays: number;
  /** a baseline with fewer transactions is too thin to compare with */
  minBaselineTransactions: number;
  largeShare: Limit;
  peakRatio: Limit;
  /** customer transactions per day over the recent window */
  customerVelocity: Limit;
  behaviourShift: Limit;
  /** book transactions per day, recent ÷ baseline */
  bookVelocityShift: Limit;
  highValueShare24h: Limit;
  /** composite customer score in [0, 1] */
  customerScore: Limit;
  /** share of active customers whose score is at or beyond customerScore.threshold */
  flaggedShare: Limit;
  /** at most this many flagged customers are reported individually (worst first) */
  maxCustomerMetrics: number;
}

export interface LiquidityPolicy {
  enabled: boolean;
  /** Basel III: LCR ≥ 100% */
  floor: string;
  /** below the floor but at or above this: WARNING; below it: CRITICAL */
  warningBand: string;
  /** Basel III: inflows count up to 75% of outflows */
  inflowCap: string;
  /** default haircuts by level when a holding gives none (Basel III: 0%, 15%, 50%) */
  haircuts: Record<HqlaLevel, string>;
}

export interface MarketPolicy {
  enabled: boolean;
  /** scenarios (one-day returns) in the historical simulation */
  varWindow: number;
  /** KES; the 1-day 99% VaR must stay at or below it */
  varLimit: string;
  /** critical at varLimit × this */
  criticalMultiple: string;
  /** KES limit on the net open position (shorthand method); null: reported without a limit */
  nopLimit: string | null;
  /** KES limit on the stressed loss; null: reported without a limit */
  stressLimit: string | null;
}

export const HQLA_LEVELS = ['1', '2A', '2B'] as const;
export type HqlaLevel = (typeof HQLA_LEVELS)[number];

export interface HqlaHolding {
  assetRef: string;
  level: HqlaLevel;
  /** KES market value */
  marketValue: string;
  /** fraction, e.g. "0.15"; null: the level's default */
  haircut: string | null;
}

export interface CashFlow {
  category: string;
  direction: 'outflow' | 'inflow';
  /** KES balance */
  balance: string;
  /** run-off (outflow) or inflow rate over the 30-day stress, a fraction */
  rate: string;
}

export interface FxPosition {
  currency: string;
  /** net amount in the foreign currency: positive long, negative short */
  amount: string;
}

export interface FxRate {
  /** YYYY-MM-DD */
  date: string;
  currency: string;
  /** KES per unit of the currency */
  rate: string;
}

/** Transactions of one customer in one 24-hour bucket before the as-of time. */
export interface CustomerDayActivity {
  customerId: string;
  /** 0: the 24 h ending at as-of; 1: the 24 h before that; … */
  dayIndex: number;
  count: number;
  /** KES, decimal string */
  volume: string;
  /** transactions above the large amount */
  largeCount: number;
  /** transactions above the high-value amount */
  highValueCount: number;
}
