import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';
import { transactionRef } from '../transactions/schemas';

export const refParams = z.object({ ref: transactionRef });
export type RefParams = z.output<typeof refParams>;

const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const auditQuery = z.object({
  /** replay the history too, so the report carries the verdict */
  replay: flag,
});
export type AuditQuery = z.output<typeof auditQuery>;

const workflowId = singleLineText(255);

/**
 * What to replay: a workflow on the cluster (by workflow id or transaction reference), or a
 * history — as JSON (`history`, or the history document itself as the body) or as the raw text of
 * a file (`historyText`, so that a corrupt file gets the parser's exact complaint back).
 */
export const replayBody = z.union(
  [
    z.strictObject({ workflowId }),
    z.strictObject({ transactionRef }),
    z.strictObject({ history: z.unknown(), name: z.string().max(255).optional() }),
    z.strictObject({ historyText: z.string(), name: z.string().max(255).optional() }),
    z.looseObject({ events: z.unknown() }),
  ],
  { error: 'must be { workflowId }, { transactionRef }, { history }, { historyText } or a Temporal history ({ events: [...] })' },
);
export type ReplayBody = z.output<typeof replayBody>;

/** 2026-11-25 (midnight UTC) or a full ISO 8601 date-time with offset. */
const instant = (what: string) =>
  z.string({ error: 'is required (an ISO 8601 date, e.g. 2026-11-25, or date-time with offset)' }).transform((v, ctx) => {
    const bare = /^\d{4}-\d{2}-\d{2}$/.test(v);
    const date = new Date(bare ? `${v}T00:00:00Z` : v);
    const valid = bare ? !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v) : z.iso.datetime({ offset: true }).safeParse(v).success;
    if (!valid) {
      ctx.addIssue({ code: 'custom', message: `must be an ISO 8601 date (2026-11-25) or date-time with offset (2026-11-25T14:00:00+03:00) ${what}` });
      return z.NEVER;
    }
    return date;
  });

export const MAX_RANGE_DAYS = 366;

export const decisionsQuery = z
  .object({
    /** inclusive; a bare date is midnight UTC */
    from: instant('(inclusive)'),
    /** exclusive; a bare date is midnight UTC, so to=2026-11-26 includes all of the 25th */
    to: instant('(exclusive)'),
    format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json'),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'))
      .default(10_000),
    /** decisions skipped first: the UI pages through a period (limit + offset) */
    offset: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().max(10_000_000, 'must be at most 10000000'))
      .default(0),
  })
  .superRefine((q, ctx) => {
    if (!(q.from instanceof Date) || !(q.to instanceof Date)) return; // already reported on the field
    if (q.to.getTime() <= q.from.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (q.to.getTime() - q.from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_RANGE_DAYS} days after from` });
    }
  });
export type DecisionsQuery = z.output<typeof decisionsQuery>;
