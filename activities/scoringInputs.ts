// The recorded scoring inputs (table scoring_inputs): what the scorer saw for a transaction, kept so
// that a backtest re-scores exactly that, whatever has happened to the tables since.
import type { Knex } from 'knex';
import type { AnomalyInput } from '../risk/score';
import type { CustomerProfile, Transaction } from '../risk/types';

export interface RecordedScoringInputs {
  /** as the rules saw it: an amount in another currency is already valued in KES */
  transaction: Transaction;
  profile: CustomerProfile;
  ruleSetVersion: number;
  /** the anomaly model's version and score; null when no model was used */
  anomaly: AnomalyInput | null;
}

/** Idempotent: a retried or re-run scoring replaces the row with what it saw this time. */
export async function recordScoringInputs(db: Knex, inputs: RecordedScoringInputs): Promise<void> {
  await db('scoring_inputs')
    .insert({
      transaction_ref: inputs.transaction.transactionRef,
      occurred_at: inputs.transaction.occurredAt,
      rule_set_version: inputs.ruleSetVersion,
      transaction: JSON.stringify(inputs.transaction),
      profile: JSON.stringify(inputs.profile),
      anomaly: inputs.anomaly ? JSON.stringify(inputs.anomaly) : null,
    })
    .onConflict('transaction_ref')
    .merge();
}

export interface ScoringInputsRow {
  transaction_ref: string;
  rule_set_version: number;
  transaction: Transaction;
  profile: CustomerProfile;
  /** a score JSON could not hold (NaN) reads back as null */
  anomaly: { modelVersion: number; score: number | null } | null;
}

export function toRecordedInputs(row: ScoringInputsRow): RecordedScoringInputs {
  return {
    transaction: row.transaction,
    profile: row.profile,
    ruleSetVersion: row.rule_set_version,
    anomaly: row.anomaly === null ? null : { modelVersion: row.anomaly.modelVersion, score: row.anomaly.score ?? Number.NaN },
  };
}
