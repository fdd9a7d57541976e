// Portfolio-risk settings: the schedule, each model's switch and its thresholds. Thresholds stay
// decimal strings so that the models compare them exactly (KingaConfig.portfolio).
import { z } from 'zod';
import { multiplyDecimals } from '../risk/portfolio/decimal';
import type { CreditPolicy, LiquidityPolicy, MarketPolicy } from '../risk/portfolio/types';
import { bool, duration, int } from './parse';
import { configSection, type Environment } from './section';

export interface PortfolioConfig {
  /** PORTFOLIO_ENABLED: false pauses the portfolioRisk schedule */
  enabled: boolean;
  /** PORTFOLIO_INTERVAL: how often the schedule runs portfolioRisk */
  intervalMs: number;
  /** PORTFOLIO_TIMEZONE: the bank's day, for the period of a breach (one risk event per breach per day) */
  timeZone: string;
  /** PORTFOLIO_INPUT_MAX_AGE: liquidity and FX inputs older than this are not used */
  inputMaxAgeMs: number;
  credit: CreditPolicy;
  liquidity: LiquidityPolicy;
  market: MarketPolicy;
}



const DECIMAL = /^\d+(\.\d+)?$/;

/** A non-negative decimal kept as text; `max` bounds it (shares and fractions ≤ 1). */
const decimal = (fallback: string, opts: { max?: number; positive?: boolean; places?: number } = {}) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = (v ?? fallback).trim();
      if (!DECIMAL.test(text)) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a non-negative decimal number (e.g. 0.15 or 50000000)` });
        return z.NEVER;
      }
      if (opts.max !== undefined && Number(text) > opts.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${opts.max}` });
        return z.NEVER;
      }
      if (opts.places !== undefined && (text.split('.')[1] ?? '').replace(/0+$/, '').length > opts.places) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${opts.places} decimal places` });
        return z.NEVER;
      }
      if (opts.positive && Number(text) === 0) {
        ctx.addIssue({ code: 'custom', message: 'must be above 0' });
        return z.NEVER;
      }
      return text;
    });

const optionalDecimal = z
  .string()
  .regex(DECIMAL, 'must be a non-negative decimal number')
  .optional();

const schema = z.object({
  PORTFOLIO_ENABLED: bool(true),
  PORTFOLIO_INTERVAL: duration('1h', 10_000),
  PORTFOLIO_TIMEZONE: z
    .string()
    .optional()
    .transform((v) => v ?? 'Africa/Nairobi')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not a time zone (e.g. Africa/Nairobi)'),
  PORTFOLIO_INPUT_MAX_AGE: duration('3d', 60_000),

  PORTFOLIO_CREDIT_ENABLED: bool(true),
  PORTFOLIO_CREDIT_LARGE_AMOUNT_KES: decimal('1000000', { positive: true }),
  PORTFOLIO_CREDIT_HIGH_VALUE_AMOUNT_KES: decimal('10000000', { positive: true }),
  PORTFOLIO_CREDIT_WINDOW_DAYS: int(30, 2, 366),
  PORTFOLIO_CREDIT_RECENT_DAYS: int(7, 1, 90),
  PORTFOLIO_CREDIT_BASELINE_DAYS: int(30, 1, 366),
  PORTFOLIO_CREDIT_MIN_BASELINE_TRANSACTIONS: int(5, 1, 1_000_000),
  PORTFOLIO_CREDIT_CRITICAL_MULTIPLE: decimal('2', { positive: true }),
  PORTFOLIO_CREDIT_LARGE_SHARE: decimal('0.10', { max: 1 }),
  PORTFOLIO_CREDIT_PEAK_RATIO: decimal('5', { positive: true }),
  PORTFOLIO_CREDIT_VELOCITY_PER_DAY: decimal('10', { positive: true }),
  PORTFOLIO_CREDIT_BEHAVIOUR_SHIFT: decimal('3', { positive: true }),
  PORTFOLIO_CREDIT_BOOK_VELOCITY_SHIFT: decimal('2', { positive: true }),
  PORTFOLIO_CREDIT_HIGH_VALUE_SHARE_24H: decimal('0.10', { max: 1 }),
  PORTFOLIO_CREDIT_SCORE_WARNING: decimal('0.5', { max: 1, positive: true }),
  PORTFOLIO_CREDIT_SCORE_CRITICAL: decimal('0.8', { max: 1, positive: true }),
  PORTFOLIO_CREDIT_FLAGGED_SHARE: decimal('0.05', { max: 1 }),
  PORTFOLIO_CREDIT_MAX_CUSTOMER_METRICS: int(50, 0, 10_000),

  PORTFOLIO_LIQUIDITY_ENABLED: bool(true),
  PORTFOLIO_LCR_FLOOR: decimal('1.0', { positive: true }),
  PORTFOLIO_LCR_WARNING_BAND: decimal('0.8'),
  PORTFOLIO_LCR_INFLOW_CAP: decimal('0.75', { max: 1, places: 4 }),
  PORTFOLIO_HQLA_HAIRCUT_2A: decimal('0.15', { max: 1, places: 4 }),
  PORTFOLIO_HQLA_HAIRCUT_2B: decimal('0.50', { max: 1, places: 4 }),

  PORTFOLIO_MARKET_ENABLED: bool(true),
  PORTFOLIO_VAR_WINDOW: int(250, 1, 5000),
  PORTFOLIO_VAR_LIMIT_KES: decimal('50000000', { positive: true }),
  PORTFOLIO_MARKET_CRITICAL_MULTIPLE: decimal('1.5', { positive: true }),
  PORTFOLIO_FX_NOP_LIMIT_KES: optionalDecimal,
  PORTFOLIO_FX_STRESS_LIMIT_KES: optionalDecimal,
});

export const portfolioSection = configSection({
  schema,
  check: (e) => [
    ...(Number(e.PORTFOLIO_LCR_WARNING_BAND) > Number(e.PORTFOLIO_LCR_FLOOR) ? ['PORTFOLIO_LCR_WARNING_BAND: must not be above PORTFOLIO_LCR_FLOOR'] : []),
    ...(Number(e.PORTFOLIO_CREDIT_SCORE_CRITICAL) < Number(e.PORTFOLIO_CREDIT_SCORE_WARNING) ? ['PORTFOLIO_CREDIT_SCORE_CRITICAL: must not be below PORTFOLIO_CREDIT_SCORE_WARNING'] : []),
    ...(Number(e.PORTFOLIO_CREDIT_CRITICAL_MULTIPLE) < 1 ? ['PORTFOLIO_CREDIT_CRITICAL_MULTIPLE: must be at least 1'] : []),
    ...(Number(e.PORTFOLIO_MARKET_CRITICAL_MULTIPLE) < 1 ? ['PORTFOLIO_MARKET_CRITICAL_MULTIPLE: must be at least 1'] : []),
    ...(Number(e.PORTFOLIO_CREDIT_HIGH_VALUE_AMOUNT_KES) < Number(e.PORTFOLIO_CREDIT_LARGE_AMOUNT_KES)
      ? ['PORTFOLIO_CREDIT_HIGH_VALUE_AMOUNT_KES: must not be below PORTFOLIO_CREDIT_LARGE_AMOUNT_KES']
      : []),
  ],
  build: (e): PortfolioConfig => {
    // The critical line of an "above" figure is its threshold × the model's multiple.
    const credit = (threshold: string) => ({ threshold, critical: multiplyDecimals(threshold, e.PORTFOLIO_CREDIT_CRITICAL_MULTIPLE) });
    return {
      enabled: e.PORTFOLIO_ENABLED,
      intervalMs: e.PORTFOLIO_INTERVAL,
      timeZone: e.PORTFOLIO_TIMEZONE,
      inputMaxAgeMs: e.PORTFOLIO_INPUT_MAX_AGE,
      credit: {
        enabled: e.PORTFOLIO_CREDIT_ENABLED,
        largeAmount: e.PORTFOLIO_CREDIT_LARGE_AMOUNT_KES,
        highValueAmount: e.PORTFOLIO_CREDIT_HIGH_VALUE_AMOUNT_KES,
        windowDays: e.PORTFOLIO_CREDIT_WINDOW_DAYS,
        recentDays: e.PORTFOLIO_CREDIT_RECENT_DAYS,
        baselineDays: e.PORTFOLIO_CREDIT_BASELINE_DAYS,
        minBaselineTransactions: e.PORTFOLIO_CREDIT_MIN_BASELINE_TRANSACTIONS,
        largeShare: credit(e.PORTFOLIO_CREDIT_LARGE_SHARE),
        peakRatio: credit(e.PORTFOLIO_CREDIT_PEAK_RATIO),
        customerVelocity: credit(e.PORTFOLIO_CREDIT_VELOCITY_PER_DAY),
        behaviourShift: credit(e.PORTFOLIO_CREDIT_BEHAVIOUR_SHIFT),
        bookVelocityShift: credit(e.PORTFOLIO_CREDIT_BOOK_VELOCITY_SHIFT),
        highValueShare24h: credit(e.PORTFOLIO_CREDIT_HIGH_VALUE_SHARE_24H),
        customerScore: { threshold: e.PORTFOLIO_CREDIT_SCORE_WARNING, critical: e.PORTFOLIO_CREDIT_SCORE_CRITICAL },
        flaggedShare: credit(e.PORTFOLIO_CREDIT_FLAGGED_SHARE),
        maxCustomerMetrics: e.PORTFOLIO_CREDIT_MAX_CUSTOMER_METRICS,
      },
      liquidity: {
        enabled: e.PORTFOLIO_LIQUIDITY_ENABLED,
        floor: e.PORTFOLIO_LCR_FLOOR,
        warningBand: e.PORTFOLIO_LCR_WARNING_BAND,
        inflowCap: e.PORTFOLIO_LCR_INFLOW_CAP,
        haircuts: { '1': '0', '2A': e.PORTFOLIO_HQLA_HAIRCUT_2A, '2B': e.PORTFOLIO_HQLA_HAIRCUT_2B },
      },
      market: {
        enabled: e.PORTFOLIO_MARKET_ENABLED,
        varWindow: e.PORTFOLIO_VAR_WINDOW,
        varLimit: e.PORTFOLIO_VAR_LIMIT_KES,
        criticalMultiple: e.PORTFOLIO_MARKET_CRITICAL_MULTIPLE,
        nopLimit: e.PORTFOLIO_FX_NOP_LIMIT_KES ?? null,
        stressLimit: e.PORTFOLIO_FX_STRESS_LIMIT_KES ?? null,
      },
    };
  },
});

/** Every variable this file reads, for the README's configuration table. */
export const PORTFOLIO_VARIABLES = portfolioSection.variables;

export const loadPortfolioConfig = (env: Environment): PortfolioConfig => portfolioSection.load(env);
