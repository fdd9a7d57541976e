// Shadow scoring: inside the live scoring activity, each running shadow run's candidate rule set
// scores the same recorded inputs, and the result is written to shadow_results — never returned,
// so the lifecycle never acts on it and its command sequence is unchanged. Tazama's verdict comes
// later; the comparison weighs it from the live breakdown (risk/backtest.ts weighTazama). A failure
// to score in shadow is counted on its run, where a person sees it; the live score goes on.
import { IsolationForest } from '../risk';
import { candidateAnomaly, prepareCandidate, rescore, type Candidate } from '../risk/backtest';
import { recordAdminEvent, type AdminActor } from '../admin/audit';
import { createRuleSetStore } from '../admin/ruleSets';
import type { ActivityDeps } from './deps';
import type { RecordedScoringInputs } from './scoringInputs';

/** Failures are recorded by Kinga itself, not a person. */
const SYSTEM: AdminActor = { username: 'system:shadow', role: null };

/** How long the list of running shadow runs is reused: a run starts or stops within this. */
export const SHADOW_REFRESH_MS = 2_000;

interface ActiveRun {
  id: string;
  candidate_rule_set_version: number;
}

interface LoadedCandidate {
  candidate: Candidate;
  model: { version: number; forest: IsolationForest } | null;
  timeZone: string;
}

export function createShadowScoring({ db, config, logger }: Pick<ActivityDeps, 'db' | 'config' | 'logger'>) {
  const ruleSets = createRuleSetStore(db, config);
  let active: { at: number; runs: Promise<ActiveRun[]> } | null = null;
  // versions never change once written, so each candidate is read once per worker
  const candidates = new Map<number, Promise<LoadedCandidate>>();

  function activeRuns(): Promise<ActiveRun[]> {
    if (!active || Date.now() - active.at > SHADOW_REFRESH_MS) {
      active = {
        at: Date.now(),
        runs: db('shadow_runs')
          .where({ status: 'running' })
          .andWhere((q) => q.whereNull('ends_at').orWhere('ends_at', '>', db.fn.now()))
          .select<ActiveRun[]>('id', 'candidate_rule_set_version'),
      };
    }
    return active.runs;
  }

  function candidateFor(version: number): Promise<LoadedCandidate> {
    let entry = candidates.get(version);
    if (!entry) {
      entry = (async () => {
        const ruleSet = await ruleSets.get(version);
        if (!ruleSet) throw new Error(`rule set version ${version} not found`);
        const pinned = ruleSet.content.anomalyModelVersion;
        let model: LoadedCandidate['model'] = null;
        if (pinned !== null && ruleSet.content.scoring.anomaly.enabled) {
          const stored = await db('anomaly_models').where({ version: pinned }).first<{ version: number; model: unknown } | undefined>('version', 'model');
          if (!stored) throw new Error(`anomaly model version ${pinned} not found`);
          model = { version: stored.version, forest: IsolationForest.fromJSON(stored.model as Parameters<typeof IsolationForest.fromJSON>[0]) };
        }
        return { candidate: prepareCandidate(version, ruleSet.content, config.tazama.alertMinLevel), model, timeZone: ruleSet.content.scoring.rules.offHours.timeZone };
      })();
      candidates.set(version, entry);
      entry.catch(() => candidates.delete(version)); // a failed read is tried again next time
    }
    return entry;
  }

  /**
   * A shadow that could not score is counted on its run with the reason (the admin page shows it,
   * kinga_shadow_scoring_failures reads it), and its first failure is written to the admin audit
   * trail. Recording is best effort: it never holds up the live score either.
   */
  async function recordFailures(failed: Array<{ runId: string; err: unknown }>, transactionRef: string): Promise<void> {
    for (const { runId, err } of failed) {
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      logger.warn({ err, shadowRunId: runId, transactionRef }, 'shadow scoring failed; the live score is unaffected');
      try {
        const [row] = await db('shadow_runs')
          .where({ id: runId })
          .update({ scoring_failures: db.raw('scoring_failures + 1'), last_failure: reason, last_failure_at: db.fn.now() })
          .returning<Array<{ scoring_failures: number }>>('scoring_failures');
        if (row?.scoring_failures === 1) {
          await recordAdminEvent(db, { subjectType: 'shadow_run', subjectId: runId, eventType: 'shadow_scoring_failed', actor: SYSTEM, note: reason, payload: { transactionRef } });
        }
      } catch (recordErr) {
        logger.error({ err: recordErr, shadowRunId: runId, transactionRef }, 'a shadow scoring failure could not be recorded');
      }
    }
  }

  return {
    /** Scores the inputs with every running shadow run's candidate and records the results. */
    async scoreInShadow(inputs: RecordedScoringInputs): Promise<void> {
      const transactionRef = inputs.transaction.transactionRef;
      let runs: ActiveRun[];
      try {
        runs = await activeRuns();
      } catch (err) {
        // no run is known to charge it to: the log is where it shows
        logger.warn({ err, transactionRef }, 'shadow runs could not be read; the live score is unaffected');
        return;
      }
      if (runs.length === 0) return;
      const rows = [];
      const failed: Array<{ runId: string; err: unknown }> = [];
      // each run on its own: one candidate that cannot score does not stop the others
      for (const run of runs) {
        try {
          const { candidate, model, timeZone } = await candidateFor(run.candidate_rule_set_version);
          const shadow = rescore(inputs, candidate, candidateAnomaly(model, inputs, timeZone), null);
          rows.push({ shadow_run_id: run.id, transaction_ref: transactionRef, occurred_at: inputs.transaction.occurredAt, points: shadow.points, level: shadow.level, hits: shadow.hits });
        } catch (err) {
          failed.push({ runId: run.id, err });
        }
      }
      if (rows.length > 0) {
        try {
          await db('shadow_results').insert(rows).onConflict(['shadow_run_id', 'transaction_ref']).merge();
        } catch (err) {
          for (const row of rows) failed.push({ runId: row.shadow_run_id, err });
        }
      }
      if (failed.length > 0) await recordFailures(failed, transactionRef);
    },
  };
}
