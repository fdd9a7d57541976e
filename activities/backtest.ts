// Backtest activities: read the recorded scoring inputs in keyset order, re-score them with the
// candidate (risk/backtest.ts), write each result beside the live one, and build the report. Every
// write is keyed by (backtest, transaction), so a batch retried after a crash writes nothing twice.
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { IsolationForest, localDate } from '../risk';
import { BacktestTally, candidateAnomaly, prepareCandidate, recordedTazama, hitsOf, rescore, type BacktestResult, type Candidate, type Label } from '../risk/backtest';
import type { RiskLevel, ScoreBreakdown } from '../risk/types';
import { createRuleSetStore } from '../admin/ruleSets';
import { recordAdminEvent } from '../admin/audit';
import type { BacktestCursor } from '../workflows/backtest/definitions';
import type { ActivityDeps } from './deps';
import { toRecordedInputs, type ScoringInputsRow } from './scoringInputs';

const SYSTEM_ACTOR = { username: 'system:backtest', role: null };
/** Rows per insert statement: PostgreSQL takes at most 65 535 parameters in one. */
const INSERT_CHUNK = 1000;

interface BacktestRow {
  id: string;
  status: string;
  candidate_rule_set_version: number | null;
  candidate_model_version: number | null;
  from_at: Date;
  to_at: Date;
  requested_at: Date;
}

interface InputRow extends ScoringInputsRow {
  occurred_at: Date;
  risk_level: RiskLevel;
  score_breakdown: ScoreBreakdown;
  is_fraud: boolean | null;
  decision: string | null;
}

interface LoadedBacktest {
  row: BacktestRow;
  candidate: Candidate;
  /** the model the candidate scores with, when it is not the one each transaction was scored with */
  model: { version: number; forest: IsolationForest } | null;
  timeZone: string;
}

export function labelOf(isFraud: boolean | null, decision: string | null): Label | null {
  if (isFraud !== null) return isFraud ? 'fraud' : 'legitimate';
  if (decision === 'block') return 'fraud';
  if (decision === 'approve') return 'legitimate';
  return null;
}

export function createBacktestActivities({ db, config }: ActivityDeps) {
  const ruleSets = createRuleSetStore(db, config);
  // a backtest's candidate never changes, so each worker reads it once
  const loaded = new Map<string, Promise<LoadedBacktest>>();

  async function load(backtestId: string): Promise<LoadedBacktest> {
    const row = await db<BacktestRow>('backtests').where({ id: backtestId }).first();
    if (!row) throw ApplicationFailure.create({ type: 'not_found', message: `backtest ${backtestId} not found`, nonRetryable: true });
    const ruleSet = row.candidate_rule_set_version === null ? await ruleSets.live() : await ruleSets.get(row.candidate_rule_set_version);
    if (!ruleSet) throw ApplicationFailure.create({ type: 'not_found', message: `rule set version ${row.candidate_rule_set_version} not found`, nonRetryable: true });
    const modelVersion = row.candidate_model_version ?? ruleSet.content.anomalyModelVersion;
    let model: LoadedBacktest['model'] = null;
    if (modelVersion !== null && ruleSet.content.scoring.anomaly.enabled) {
      const stored = await db('anomaly_models').where({ version: modelVersion }).first<{ version: number; model: unknown } | undefined>('version', 'model');
      if (!stored) throw ApplicationFailure.create({ type: 'not_found', message: `anomaly model version ${modelVersion} not found`, nonRetryable: true });
      model = { version: stored.version, forest: IsolationForest.fromJSON(stored.model as Parameters<typeof IsolationForest.fromJSON>[0]) };
    }
    return { row, candidate: prepareCandidate(ruleSet.version, ruleSet.content, config.tazama.alertMinLevel), model, timeZone: ruleSet.content.scoring.rules.offHours.timeZone };
  }

  function backtest(backtestId: string): Promise<LoadedBacktest> {
    let entry = loaded.get(backtestId);
    if (!entry) {
      entry = load(backtestId);
      loaded.set(backtestId, entry);
      entry.catch(() => loaded.delete(backtestId)); // a failed read is tried again next time
    }
    return entry;
  }

  /**
   * One recorded input re-scored. A row that cannot be (a data error) fails the backtest for good
   * with the transaction named: trying it again would only fail again, for ever.
   */
  function rescored(b: LoadedBacktest, row: InputRow): { result: BacktestResult; occurredAt: Date } {
    try {
      const inputs = toRecordedInputs(row);
      const candidate = rescore(inputs, b.candidate, candidateAnomaly(b.model, inputs, b.timeZone), recordedTazama(row.score_breakdown));
      const result: BacktestResult = {
        transactionRef: row.transaction_ref,
        day: localDate(inputs.transaction.occurredAt, b.timeZone),
        liveLevel: row.risk_level,
        candidateLevel: candidate.level,
        livePoints: row.score_breakdown.points,
        candidatePoints: candidate.points,
        label: labelOf(row.is_fraud, row.decision),
        liveHits: hitsOf(row.score_breakdown),
        candidateHits: candidate.hits,
      };
      return { result, occurredAt: row.occurred_at };
    } catch (err) {
      throw ApplicationFailure.create({
        type: 'invalid',
        message: `the recorded inputs of ${row.transaction_ref} cannot be re-scored: ${err instanceof Error ? err.message : String(err)}`,
        nonRetryable: true,
        cause: err instanceof Error ? err : undefined,
      });
    }
  }

  // The transactions in the range that were scored when the backtest was asked for: live traffic
  // still arriving in the range is not part of it, so its total holds and a resumed run (or the
  // same backtest asked again later of the same moment) re-scores the same transactions.
  const inRange = (row: BacktestRow) =>
    db('scoring_inputs as si')
      .join('transactions as t', 't.transaction_ref', 'si.transaction_ref')
      .where('si.occurred_at', '>=', row.from_at)
      .andWhere('si.occurred_at', '<', row.to_at)
      .andWhere('si.recorded_at', '<=', row.requested_at)
      .andWhere('t.scored_at', '<=', row.requested_at)
      .whereNotNull('t.risk_level');

  return {
    async prepareBacktest({ backtestId }: { backtestId: string }): Promise<{ total: number }> {
      const b = await backtest(backtestId);
      const counted = await inRange(b.row).count<{ n: string }[]>('* as n');
      const total = Number(counted[0]?.n ?? 0);
      await db('backtests').where({ id: backtestId }).update({ total });
      return { total };
    },

    async rescoreBacktestBatch(args: { backtestId: string; after: BacktestCursor | null; limit: number; processedBefore: number }): Promise<{ processed: number; next: BacktestCursor | null }> {
      const b = await backtest(args.backtestId);
      const q = inRange(b.row)
        .leftJoin('transaction_history as h', 'h.transaction_ref', 'si.transaction_ref')
        .leftJoin('analyst_cases as c', 'c.transaction_ref', 'si.transaction_ref')
        .orderBy([{ column: 'si.occurred_at' }, { column: 'si.transaction_ref' }])
        .limit(args.limit)
        .select<InputRow[]>(
          'si.transaction_ref',
          'si.occurred_at',
          'si.rule_set_version',
          'si.transaction',
          'si.profile',
          'si.anomaly',
          't.risk_level',
          't.score_breakdown',
          'h.is_fraud',
          'c.decision',
        );
      if (args.after) q.andWhereRaw('(si.occurred_at, si.transaction_ref) > (?, ?)', [args.after.occurredAt, args.after.transactionRef]);
      const rows = await q;
      const results = rows.map((row) => rescored(b, row));
      heartbeat();
      for (let i = 0; i < results.length; i += INSERT_CHUNK) {
        await db('backtest_results')
          .insert(
            results.slice(i, i + INSERT_CHUNK).map(({ result: r, occurredAt }) => ({
              backtest_id: args.backtestId,
              transaction_ref: r.transactionRef,
              occurred_at: occurredAt,
              day: r.day,
              live_level: r.liveLevel,
              candidate_level: r.candidateLevel,
              live_points: r.livePoints,
              candidate_points: r.candidatePoints,
              label: r.label,
              live_hits: r.liveHits,
              candidate_hits: r.candidateHits,
            })),
          )
          .onConflict(['backtest_id', 'transaction_ref'])
          .merge();
        heartbeat();
      }
      await db('backtests').where({ id: args.backtestId }).update({ processed: args.processedBefore + rows.length });
      const last = rows.at(-1);
      const next = last && rows.length === args.limit ? { occurredAt: new Date(last.occurred_at).toISOString(), transactionRef: last.transaction_ref } : null;
      return { processed: rows.length, next };
    },

    /** The report, from the stored results (so a resumed backtest reports every batch exactly once). */
    async finishBacktest({ backtestId }: { backtestId: string }): Promise<{ transactions: number; changed: number }> {
      const tally = new BacktestTally();
      let after: string | null = null;
      for (;;) {
        const q = db('backtest_results').where({ backtest_id: backtestId }).orderBy('transaction_ref').limit(10_000);
        if (after !== null) q.andWhere('transaction_ref', '>', after);
        const rows: Array<Record<string, unknown>> = await q.select('transaction_ref', 'day', 'live_level', 'candidate_level', 'live_points', 'candidate_points', 'label', 'live_hits', 'candidate_hits');
        for (const r of rows) {
          tally.add({
            transactionRef: r.transaction_ref as string,
            day: r.day as string,
            liveLevel: r.live_level as RiskLevel,
            candidateLevel: r.candidate_level as RiskLevel,
            livePoints: r.live_points as number,
            candidatePoints: r.candidate_points as number,
            label: r.label as Label | null,
            liveHits: r.live_hits as string[],
            candidateHits: r.candidate_hits as string[],
          });
        }
        heartbeat();
        if (rows.length < 10_000) break;
        after = rows.at(-1)!.transaction_ref as string;
      }
      const report = tally.report();
      await db.transaction(async (trx) => {
        const updated = await trx('backtests')
          .where({ id: backtestId, status: 'running' })
          .update({ status: 'completed', report: JSON.stringify(report), processed: report.transactions, finished_at: trx.fn.now() });
        if (updated > 0) {
          await recordAdminEvent(trx, { subjectType: 'backtest', subjectId: backtestId, eventType: 'backtest_completed', actor: SYSTEM_ACTOR, payload: { transactions: report.transactions, changed: report.changed } });
        }
      });
      return { transactions: report.transactions, changed: report.changed };
    },

    async markBacktestStopped({ backtestId, status, reason }: { backtestId: string; status: 'cancelled' | 'failed'; reason: string | null }): Promise<void> {
      await db.transaction(async (trx) => {
        const updated = await trx('backtests').where({ id: backtestId, status: 'running' }).update({ status, failure: reason, finished_at: trx.fn.now() });
        if (updated > 0) {
          await recordAdminEvent(trx, { subjectType: 'backtest', subjectId: backtestId, eventType: `backtest_${status}`, actor: SYSTEM_ACTOR, note: reason });
        }
      });
    },
  };
}
