// A transaction as the API answers it: a camelCase view model, defined once here (zod, so the
// OpenAPI document and the UI's generated types follow it) and mapped from the stored row by
// transactionView() only. Money and scores stay the decimal strings PostgreSQL's numeric returns;
// timestamps are ISO 8601 strings in UTC. The rows themselves (snake_case, as in the schema) never
// leave the API, except in the compliance evidence formats (see README, "Compliance").
import { z } from 'zod';
import { fieldsOf, type TransactionRow } from '../../db/transactionRows';
import { RISK_LEVELS, type ScoreBreakdown } from '../../risk/types';
import { scoreBreakdownJson } from './breakdown';

/** A transactions row as read: the transaction's columns (amount: decimal string, 2 decimals) and the lifecycle's. */
export interface TransactionRecord extends TransactionRow {
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

/** A timestamp in JSON: ISO 8601 in UTC. */
export const timestampJson = z.iso.datetime();
/** A numeric column: PostgreSQL's decimal string. */
export const decimalJson = z.string().regex(/^-?\d+(\.\d+)?$/);

/** A timestamp column (a Date from pg, or already a string) as ISO 8601. */
export function isoTime(value: Date | string): string;
export function isoTime(value: Date | string | null | undefined): string | null;
export function isoTime(value: Date | string | null | undefined): string | null {
  return value == null ? null : new Date(value).toISOString();
}

export const transactionJson = z
  .object({
    transactionRef: z.string(),
    customerId: z.string(),
    accountId: z.string(),
    amount: decimalJson.meta({ description: 'decimal string, 2 decimals' }),
    currency: z.string(),
    type: z.string().meta({ description: 'the transaction type (transfer, payment, withdrawal, ...)' }),
    channel: z.string(),
    merchantId: z.string().nullable(),
    merchantName: z.string().nullable(),
    city: z.string(),
    country: z.string(),
    occurredAt: timestampJson,
    source: z.string(),
    status: z.string().meta({ description: 'received, scored, held, flagged, approved, blocked, ...' }),
    riskScore: decimalJson.nullable().meta({ description: 'decimal string, 4 decimals' }),
    riskLevel: z.enum(RISK_LEVELS).nullable(),
    // a union, not .nullable(): that would make the named ScoreBreakdown schema itself nullable
    scoreBreakdown: z.union([scoreBreakdownJson, z.null()]),
    modelVersion: z.string().nullable(),
    workflowId: z.string().nullable(),
    requestId: z.string().nullable(),
    receivedAt: timestampJson,
    scoredAt: timestampJson.nullable(),
    closedAt: timestampJson.nullable(),
  })
  .meta({ id: 'Transaction', description: 'A transaction with its score and status' });
export type TransactionJson = z.infer<typeof transactionJson>;

/** The one mapping from a transactions row to its API view. */
export function transactionView(row: TransactionRecord): TransactionJson {
  return {
    ...fieldsOf(row),
    occurredAt: isoTime(row.occurred_at),
    source: row.source,
    status: row.status,
    riskScore: row.risk_score,
    riskLevel: row.risk_level as TransactionJson['riskLevel'],
    scoreBreakdown: row.score_breakdown,
    modelVersion: row.model_version,
    workflowId: row.workflow_id,
    requestId: row.request_id,
    receivedAt: isoTime(row.received_at),
    scoredAt: isoTime(row.scored_at),
    closedAt: isoTime(row.closed_at),
  };
}
