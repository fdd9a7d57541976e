import { z } from 'zod';
import { multiLineText, transactionRef } from '../../boundary/inputRules';
import { wholeNumberParam } from '../middleware/validate';

export const quarantineQuery = z.strictObject({
  limit: wholeNumberParam(1, 200).default(50),
  offset: wholeNumberParam(0, 1_000_000).default(0),
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

// ---- needs_attention: transactions whose processing failed for good, waiting for an operator

export const attentionQuery = z.strictObject({
  limit: wholeNumberParam(1, 200).default(50),
  offset: wholeNumberParam(0, 1_000_000).default(0),
});
export type AttentionQuery = z.output<typeof attentionQuery>;

export const attentionParams = z.strictObject({ transactionId: transactionRef });
export type AttentionParams = z.output<typeof attentionParams>;

/** A retry may say what was fixed; a close must say why. Line breaks and tabs are kept, other control characters refused. */
export const attentionRetryBody = z.strictObject({ note: multiLineText(2000).optional() }).transform(({ note }) => ({ note: note || undefined }));
export type AttentionRetryBody = z.output<typeof attentionRetryBody>;

export const attentionCloseBody = z
  .strictObject({ note: multiLineText(2000).optional() })
  .superRefine((body, ctx) => {
    if (!body.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'is required to close' });
  });
export type AttentionCloseBody = z.output<typeof attentionCloseBody>;

export const attentionItemView = z.object({
  transactionRef: z.string(),
  workflowId: z.string().nullable(),
  step: z.string().meta({ description: 'the step that failed for good: loading, scoring, tazama, routing, case_opening' }),
  reason: z.string(),
  since: z.string(),
  customerId: z.string(),
  amount: z.string(),
  currency: z.string(),
  channel: z.string(),
  occurredAt: z.string(),
  temporalUiUrl: z.string().nullable(),
});
export type AttentionItemView = z.output<typeof attentionItemView>;

export const attentionList = z.object({ total: z.number().int(), items: z.array(attentionItemView) });
export type AttentionList = z.output<typeof attentionList>;

export const attentionResolution = z.object({
  action: z.enum(['retry', 'close']),
  requestId: z.string(),
  transactionRef: z.string(),
  /** after a retry: the status from before (the step runs again); after a close: closed_by_operator */
  status: z.string(),
  stage: z.string(),
});
export type AttentionResolution = z.output<typeof attentionResolution>;
