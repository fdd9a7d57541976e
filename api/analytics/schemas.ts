import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';

/** The longest range one analytics request may cover. */
export const MAX_RANGE_DAYS = 92;
const DAY_MS = 86_400_000;

const instant = (name: string) =>
  z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) && !Number.isNaN(Date.parse(v)), `${name}: must be a date (2026-11-20) or an ISO 8601 date-time`)
    .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+03:00` : v));

/** ?from=&to= — dates are whole days in Nairobi (to inclusive); default: the last 7 days. */
export const analyticsQuery = z
  .object({
    from: instant('from').optional(),
    to: z
      .string()
      .refine((v) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(v) && !Number.isNaN(Date.parse(v)), 'to: must be a date (2026-11-20) or an ISO 8601 date-time')
      // a bare date means the whole of that day
      .transform((v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(Date.parse(`${v}T00:00:00+03:00`) + DAY_MS) : new Date(v)))
      .optional(),
  })
  .transform(({ from, to }, ctx) => {
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - 7 * DAY_MS);
    if (start >= end) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
      return z.NEVER;
    }
    if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `the range may cover at most ${MAX_RANGE_DAYS} days` });
      return z.NEVER;
    }
    return { from: start, to: end };
  });
export type AnalyticsQuery = z.output<typeof analyticsQuery>;

export const riskEventsQuery = z.object({
  category: singleLineText(32).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(200, 'must be at most 200'))
    .default(50),
  /** events skipped first (newest first): the register pages through them */
  offset: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().max(1_000_000, 'must be at most 1000000'))
    .default(0),
});
export type RiskEventsQuery = z.output<typeof riskEventsQuery>;

/** ?days=&model= — the book-level series of the last `days` days (default 30, at most 366). */
export const RISK_METRIC_MODELS = ['credit', 'liquidity', 'market'] as const;
export const riskMetricHistoryQuery = z.object({
  days: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(366, 'must be at most 366'))
    .default(30),
  model: z.enum(RISK_METRIC_MODELS, { error: `must be one of ${RISK_METRIC_MODELS.join(', ')}` }).optional(),
});
export type RiskMetricHistoryQuery = z.output<typeof riskMetricHistoryQuery>;
