// Read models are answered as the rows the workflow keeps current (snake_case columns, as in the
// schema): money and scores stay the decimal strings PostgreSQL's numeric returns, timestamps
// become ISO 8601 strings in JSON. The workflow's own `state` (camelCase) is a different view.
import type { ScoreBreakdown } from '../../risk/types';

export interface TransactionRecord {
  transaction_ref: string;
  customer_id: string;
  account_id: string;
  /** decimal string, 2 decimals */
  amount: string;
  currency: string;
  txn_type: string;
  channel: string;
  merchant_id: string | null;
  merchant_name: string | null;
  city: string;
  country: string;
  occurred_at: Date;
  source: string;
  status: string;
  /** decimal string, 4 decimals */
  risk_score: string | null;
  risk_level: string | null;
  score_breakdown: ScoreBreakdown | null;
  model_version: string | null;
  workflow_id: string | null;
  request_id: string | null;
  received_at: Date;
  scored_at: Date | null;
  closed_at: Date | null;
}
