// Read models are answered as the rows the workflow keeps current (snake_case columns, as in the
// schema): money and scores stay the decimal strings PostgreSQL's numeric returns, timestamps
// become ISO 8601 strings in JSON. The workflow's own `state` (camelCase) is a different view.
import { z } from 'zod';
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

// ---- The same rows as they arrive in JSON, for the API contract (api/openapi). Loose objects:
// columns added by later migrations (change_seq, rule_hits, ...) are sent too.

/** A timestamp column in JSON: ISO 8601 in UTC. */
export const timestampJson = z.iso.datetime();
/** A numeric column: PostgreSQL's decimal string. */
export const decimalJson = z.string().regex(/^-?\d+(\.\d+)?$/);

export const transactionRecordJson = z
  .looseObject({
    transaction_ref: z.string(),
    customer_id: z.string(),
    account_id: z.string(),
    amount: decimalJson.meta({ description: 'decimal string, 2 decimals' }),
    currency: z.string(),
    txn_type: z.string(),
    channel: z.string(),
    merchant_id: z.string().nullable(),
    merchant_name: z.string().nullable(),
    city: z.string(),
    country: z.string(),
    occurred_at: timestampJson,
    source: z.string(),
    status: z.string(),
    risk_score: decimalJson.nullable().meta({ description: 'decimal string, 4 decimals' }),
    risk_level: z.string().nullable(),
    score_breakdown: z.looseObject({}).nullable(),
    model_version: z.string().nullable(),
    workflow_id: z.string().nullable(),
    request_id: z.string().nullable(),
    received_at: timestampJson,
    scored_at: timestampJson.nullable(),
    closed_at: timestampJson.nullable(),
  })
  .meta({ id: 'TransactionRow', description: 'A row of the transactions table, as stored (snake_case)' });
