import { z } from 'zod';
import { multiLineText, singleLineText } from '../../boundary/inputRules';
import { workflowCaseEventJson } from '../../compliance/views';
import { DECISIONS } from '../../workflows/lifecycle/definitions';
import { REQUEST_ID_PATTERN } from '../context';
import { requiredOr } from '../errors';
import { wholeNumberParam } from '../middleware/validate';

export const CASE_STATUS_FILTERS = ['open', 'assigned', 'escalated', 'closed'] as const;
export type CaseStatusFilter = (typeof CASE_STATUS_FILTERS)[number];

export const listCasesQuery = z.object({
  /** `open` means assigned or escalated */
  status: z.enum(CASE_STATUS_FILTERS, { error: `must be one of ${CASE_STATUS_FILTERS.join(', ')}` }).optional(),
  level: z.enum(['medium', 'high'], { error: 'must be one of medium, high' }).optional(),
  assignee: singleLineText(64).optional(),
  limit: wholeNumberParam(1, 200).default(50),
  offset: wholeNumberParam(0, 1_000_000).default(0),
});
export type ListCasesQuery = z.output<typeof listCasesQuery>;

export const caseParams = z.object({
  id: z.string().regex(/^[1-9]\d{0,15}$/, 'must be a positive whole number').transform(Number),
});
export type CaseParams = z.output<typeof caseParams>;

export const decisionStatusParams = caseParams.extend({
  requestId: z.string().regex(REQUEST_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -'),
});
export type DecisionStatusParams = z.output<typeof decisionStatusParams>;

export const decisionBody = z
  .strictObject({
    decision: z.enum(DECISIONS, { error: requiredOr(`must be one of ${DECISIONS.join(', ')}`) }),
    note: multiLineText(2000).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.decision === 'block' || body.decision === 'escalate') && !body.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: `is required to ${body.decision}` });
    }
  })
  .transform(({ decision, note }) => ({ decision, note: note || undefined }));
export type DecisionBody = z.output<typeof decisionBody>;

// ---- Answers, for the API contract (api/openapi).


/** The workflow's own view (the `state` query / the `decide` Update's result): camelCase. */
export const lifecycleStateJson = z
  .looseObject({
    workflowId: z.string(),
    transactionRef: z.string(),
    stage: z.enum(['loading', 'scoring', 'routing', 'awaiting_decision', 'closing', 'closed', 'needs_attention']),
    status: z.enum(['received', 'approved', 'flagged', 'held', 'blocked', 'needs_attention', 'closed_by_operator']),
    transaction: z.looseObject({}).nullable(),
    score: z.looseObject({}).nullable(),
    case: z
      .looseObject({
        caseId: z.number().int(),
        status: z.enum(['assigned', 'escalated', 'closed']),
        riskLevel: z.enum(['medium', 'high']),
        requiredRole: z.string(),
        escalationLevel: z.number().int(),
        escalatedBy: z.array(z.string()),
        slaDueAt: z.string(),
        decision: z.enum(['approve', 'block']).nullable(),
        decidedBy: z.string().nullable(),
        decidedAt: z.string().nullable(),
        decisionNote: z.string().nullable(),
      })
      .nullable(),
    events: z.array(workflowCaseEventJson),
    attention: z
      .looseObject({ step: z.string(), reason: z.string(), failureType: z.string(), since: z.string(), statusBefore: z.string() })
      .nullable()
      .optional()
      .meta({ description: 'set while a step has failed for good and waits for an operator (needs_attention)' }),
  })
  .meta({ id: 'LifecycleState', description: "The transaction lifecycle workflow's whole view" });
