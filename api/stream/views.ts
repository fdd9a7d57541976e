// The stream's events as GET /api/stream sends them (the `data:` of each server-sent event):
// camelCase view models defined once here (zod; registered in the OpenAPI document as components,
// so the UI's generated types follow them) and mapped from the rows the poller reads by the two
// functions below only.
import { z } from 'zod';
import { RISK_LEVELS } from '../../risk/types';
import { ROLES } from '../../workflows/lifecycle/definitions';
import { decimalJson, isoTime, timestampJson } from '../transactions/views';

export const transactionChangeJson = z
  .object({
    seq: z.number().int().meta({ description: 'the change sequence number (also the event id)' }),
    transactionRef: z.string(),
    customerId: z.string(),
    amount: decimalJson,
    currency: z.string(),
    type: z.string(),
    channel: z.string(),
    merchantName: z.string().nullable(),
    city: z.string(),
    country: z.string(),
    occurredAt: timestampJson,
    scoredAt: timestampJson.nullable(),
    status: z.string(),
    riskLevel: z.enum(RISK_LEVELS).nullable(),
    riskScore: decimalJson.nullable(),
    ruleHits: z.array(z.string()).meta({ description: 'names of the rules that fired' }),
  })
  .meta({ id: 'TransactionChange', description: 'Event `transaction` of GET /api/stream: a transaction scored or its status changed' });
export type TransactionChange = z.infer<typeof transactionChangeJson>;

export const caseChangeJson = z
  .object({
    seq: z.number().int().meta({ description: 'the change sequence number (also the event id)' }),
    caseId: z.number().int(),
    transactionRef: z.string(),
    status: z.enum(['assigned', 'escalated', 'closed']),
    riskLevel: z.enum(['medium', 'high']),
    requiredRole: z.enum(ROLES),
    assignee: z.string().nullable(),
    escalationLevel: z.number().int(),
    decision: z.enum(['approve', 'block']).nullable(),
    decidedBy: z.string().nullable(),
    updatedAt: timestampJson,
  })
  .meta({ id: 'CaseChange', description: 'Event `case` of GET /api/stream: a case opened, changed or closed' });
export type CaseChange = z.infer<typeof caseChangeJson>;

export type StreamEvent = { type: 'transaction'; data: TransactionChange } | { type: 'case'; data: CaseChange };

/** The transactions columns a transaction change is mapped from. */
export const TRANSACTION_COLUMNS = [
  'change_seq',
  'transaction_ref',
  'customer_id',
  'amount',
  'currency',
  'txn_type',
  'channel',
  'merchant_name',
  'city',
  'country',
  'occurred_at',
  'scored_at',
  'status',
  'risk_level',
  'risk_score',
  'rule_hits',
];
/** The analyst_cases columns a case change is mapped from. */
export const CASE_COLUMNS = ['change_seq', 'id', 'transaction_ref', 'status', 'risk_level', 'required_role', 'assignee', 'escalation_level', 'decision', 'decided_by', 'updated_at'];

/** The one mapping from a transactions row (TRANSACTION_COLUMNS) to its stream event. */
export function toTransactionEvent(r: Record<string, unknown>): StreamEvent {
  return {
    type: 'transaction',
    data: {
      seq: Number(r.change_seq),
      transactionRef: String(r.transaction_ref),
      customerId: String(r.customer_id),
      amount: String(r.amount),
      currency: String(r.currency),
      type: String(r.txn_type),
      channel: String(r.channel),
      merchantName: (r.merchant_name as string | null) ?? null,
      city: String(r.city),
      country: String(r.country),
      occurredAt: isoTime(r.occurred_at as Date),
      scoredAt: isoTime(r.scored_at as Date | null),
      status: String(r.status),
      riskLevel: (r.risk_level as TransactionChange['riskLevel']) ?? null,
      riskScore: (r.risk_score as string | null) ?? null,
      ruleHits: Array.isArray(r.rule_hits) ? (r.rule_hits as string[]) : [],
    },
  };
}

/** The one mapping from an analyst_cases row (CASE_COLUMNS) to its stream event. */
export function toCaseEvent(r: Record<string, unknown>): StreamEvent {
  return {
    type: 'case',
    data: {
      seq: Number(r.change_seq),
      caseId: Number(r.id),
      transactionRef: String(r.transaction_ref),
      status: r.status as CaseChange['status'],
      riskLevel: r.risk_level as CaseChange['riskLevel'],
      requiredRole: r.required_role as CaseChange['requiredRole'],
      assignee: (r.assignee as string | null) ?? null,
      escalationLevel: Number(r.escalation_level),
      decision: (r.decision as CaseChange['decision']) ?? null,
      decidedBy: (r.decided_by as string | null) ?? null,
      updatedAt: isoTime(r.updated_at as Date),
    },
  };
}
