// A case as the API answers it: camelCase view models defined once here (zod: the OpenAPI
// document and the UI's generated types follow them), mapped from the analyst_cases and
// case_events rows by the functions below only. Each case carries what the caller may do with it
// (permissions.ts), so the UI never re-derives the decision rules.
import { z } from 'zod';
import { fieldsOf } from '../../db/transactionRows';
import { ROLES } from '../../workflows/lifecycle/definitions';
import { isoTime, timestampJson, transactionJson, type TransactionRecord } from '../transactions/views';
import { casePermissionsJson, type CasePermissions } from './permissions';

export interface CaseRecord {
  id: number;
  transaction_ref: string;
  workflow_id: string;
  risk_level: 'medium' | 'high';
  status: 'assigned' | 'escalated' | 'closed';
  required_role: string;
  assignee: string | null;
  escalation_level: number;
  escalated_by: string[];
  sla_due_at: Date;
  decision: 'approve' | 'block' | null;
  decided_by: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  opened_at: Date;
  updated_at: Date;
  /** the case's run in Ballerine (migration add_ballerine_to_analyst_cases) */
  ballerine_workflow_id?: string | null;
}

/** A case in the queue with the transaction facts an analyst triages by. */
export interface CaseListItem
  extends CaseRecord,
    Pick<TransactionRecord, 'customer_id' | 'account_id' | 'amount' | 'currency' | 'txn_type' | 'channel' | 'merchant_name' | 'city' | 'country' | 'occurred_at' | 'risk_score'> {
  /** the transaction's status (held, flagged, approved, blocked); `status` is the case's */
  transaction_status: string;
}

export interface CaseEventRecord {
  id: number;
  event_key: string;
  transaction_ref: string;
  case_id: number | null;
  event_type: string;
  actor: string;
  actor_role: string | null;
  note: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

export const caseJson = z
  .object({
    id: z.number().int(),
    transactionRef: z.string(),
    workflowId: z.string(),
    riskLevel: z.enum(['medium', 'high']),
    status: z.enum(['assigned', 'escalated', 'closed']),
    requiredRole: z.enum(ROLES).meta({ description: 'the least role that may decide it now' }),
    assignee: z.string().nullable(),
    escalationLevel: z.number().int(),
    escalatedBy: z.array(z.string()),
    slaDueAt: timestampJson,
    decision: z.enum(['approve', 'block']).nullable(),
    decidedBy: z.string().nullable(),
    decisionNote: z.string().nullable(),
    decidedAt: timestampJson.nullable(),
    openedAt: timestampJson,
    updatedAt: timestampJson,
    ballerineWorkflowId: z.string().nullable().meta({ description: "the case's workflowRuntimeId in Ballerine; null until opened there (or with Ballerine off)" }),
    permissions: casePermissionsJson,
  })
  .meta({ id: 'Case', description: 'An analyst case, with what the caller may do with it' });
export type CaseJson = z.infer<typeof caseJson>;

export const caseListItemJson = caseJson
  .extend({
    ...transactionJson.pick({ customerId: true, accountId: true, amount: true, currency: true, type: true, channel: true, merchantName: true, city: true, country: true, occurredAt: true, riskScore: true }).shape,
    transactionStatus: z.string().meta({ description: "the transaction's status (held, flagged, approved, blocked); `status` is the case's" }),
  })
  .meta({ id: 'CaseListItem', description: 'A case with the transaction facts an analyst triages by' });
export type CaseListItemJson = z.infer<typeof caseListItemJson>;

export const caseEventJson = z
  .object({
    id: z.number().int(),
    eventKey: z.string(),
    transactionRef: z.string(),
    caseId: z.number().int().nullable(),
    eventType: z.string(),
    actor: z.string(),
    actorRole: z.string().nullable(),
    note: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    occurredAt: timestampJson,
  })
  .meta({ id: 'CaseEvent', description: 'An entry of the append-only audit trail (case_events)' });
export type CaseEventJson = z.infer<typeof caseEventJson>;

/** The one mapping from an analyst_cases row to its API view, for the caller whose permissions it carries. */
export function caseView(row: CaseRecord, permissions: CasePermissions): CaseJson {
  return {
    id: Number(row.id),
    transactionRef: row.transaction_ref,
    workflowId: row.workflow_id,
    riskLevel: row.risk_level,
    status: row.status,
    requiredRole: row.required_role as CaseJson['requiredRole'],
    assignee: row.assignee,
    escalationLevel: row.escalation_level,
    escalatedBy: row.escalated_by ?? [],
    slaDueAt: isoTime(row.sla_due_at),
    decision: row.decision,
    decidedBy: row.decided_by,
    decisionNote: row.decision_note,
    decidedAt: isoTime(row.decided_at),
    openedAt: isoTime(row.opened_at),
    updatedAt: isoTime(row.updated_at),
    ballerineWorkflowId: row.ballerine_workflow_id ?? null,
    permissions,
  };
}

export function caseListItemView(row: CaseListItem, permissions: CasePermissions): CaseListItemJson {
  return {
    ...caseView(row, permissions),
    ...fieldsOf(row),
    occurredAt: isoTime(row.occurred_at),
    riskScore: row.risk_score,
    transactionStatus: row.transaction_status,
  };
}

export function caseEventView(row: CaseEventRecord): CaseEventJson {
  return {
    id: Number(row.id),
    eventKey: row.event_key,
    transactionRef: row.transaction_ref,
    caseId: row.case_id === null ? null : Number(row.case_id),
    eventType: row.event_type,
    actor: row.actor,
    actorRole: row.actor_role,
    note: row.note,
    payload: row.payload ?? {},
    occurredAt: isoTime(row.occurred_at),
  };
}
