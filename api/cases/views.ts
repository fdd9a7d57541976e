// Rows of analyst_cases and case_events, answered as they are (see transactions/views.ts).
import { z } from 'zod';
import { decimalJson, timestampJson } from '../transactions/views';

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
}

/** A case in the queue with the transaction facts an analyst triages by. */
export interface CaseListItem extends CaseRecord {
  customer_id: string;
  account_id: string;
  amount: string;
  currency: string;
  txn_type: string;
  channel: string;
  merchant_name: string | null;
  city: string;
  country: string;
  occurred_at: Date;
  risk_score: string | null;
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

// ---- The same rows in JSON, for the API contract (see transactions/views.ts).
export const caseRecordJson = z
  .looseObject({
    id: z.number().int(),
    transaction_ref: z.string(),
    workflow_id: z.string(),
    risk_level: z.string(),
    status: z.string(),
    required_role: z.string(),
    assignee: z.string().nullable(),
    escalation_level: z.number().int(),
    escalated_by: z.array(z.string()),
    sla_due_at: timestampJson,
    decision: z.string().nullable(),
    decided_by: z.string().nullable(),
    decision_note: z.string().nullable(),
    decided_at: timestampJson.nullable(),
    opened_at: timestampJson,
    updated_at: timestampJson,
  })
  .meta({ id: 'CaseRow', description: 'A row of the analyst_cases table, as stored (snake_case)' });

export const caseListItemJson = caseRecordJson
  .extend({
    customer_id: z.string(),
    account_id: z.string(),
    amount: decimalJson,
    currency: z.string(),
    txn_type: z.string(),
    channel: z.string(),
    merchant_name: z.string().nullable(),
    city: z.string(),
    country: z.string(),
    occurred_at: timestampJson,
    risk_score: decimalJson.nullable(),
    transaction_status: z.string(),
  })
  .meta({ id: 'CaseListItem', description: 'A case row with the transaction facts an analyst triages by' });

export const caseEventJson = z
  .looseObject({
    id: z.number().int(),
    event_key: z.string(),
    transaction_ref: z.string(),
    case_id: z.number().int().nullable(),
    event_type: z.string(),
    actor: z.string(),
    actor_role: z.string().nullable(),
    note: z.string().nullable(),
    payload: z.unknown(),
    occurred_at: timestampJson,
  })
  .meta({ id: 'CaseEventRow', description: 'A row of the append-only case_events audit trail' });
