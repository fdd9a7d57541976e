// Rows of analyst_cases and case_events, answered as they are (see transactions/views.ts).

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
