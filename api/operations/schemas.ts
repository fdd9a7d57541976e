import { z } from 'zod';

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const quarantineQuery = z.strictObject({
  limit: intParam(1, 200).default(50),
  offset: intParam(0, 1_000_000).default(0),
});
export type QuarantineQuery = z.output<typeof quarantineQuery>;

/** A warehouse row refused by the input rules, as operators see it. */
export const quarantinedRowView = z.object({
  id: z.number().int(),
  source: z.string(),
  cursor: z.string(),
  transactionRef: z.string().nullable(),
  field: z.string(),
  reason: z.string(),
  row: z.record(z.string(), z.unknown()),
  extractionRunId: z.string().nullable(),
  quarantinedAt: z.string(),
});
export type QuarantinedRowView = z.output<typeof quarantinedRowView>;

export const quarantineList = z.object({
  total: z.number().int(),
  items: z.array(quarantinedRowView),
});
export type QuarantineList = z.output<typeof quarantineList>;
