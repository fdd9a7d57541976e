// Shadow scoring: inside the live scoring activity, each running shadow run's candidate rule set
// scores the same recorded inputs, and the result is written to shadow_results — never returned,
// so the lifecycle never acts on it and its command sequence is unchanged. Tazama's verdict comes
// later; the comparison weighs it from the live breakdown (risk/backtest.ts weighTazama).
import { IsolationForest } from '../risk';
import { candidateAnomaly, prepareCandidate, rescore, type Candidate } from '../risk/backtest';
import { createRuleSetStore } from '../admin/ruleSets';
import type { ActivityDeps } from './deps';
import type { RecordedScoringInputs } from './scoringInputs';

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

  return {
    /** Scores the inputs with every running shadow run's candidate and records the results. */
    async scoreInShadow(inputs: RecordedScoringInputs): Promise<void> {
      try {
        const runs = await activeRuns();
        if (runs.length === 0) return;
        const rows = [];
        for (const run of runs) {
          const { candidate, model, timeZone } = await candidateFor(run.candidate_rule_set_version);
          const shadow = rescore(inputs, candidate, candidateAnomaly(model, inputs, timeZone), null);
          rows.push({ shadow_run_id: run.id, transaction_ref: inputs.transaction.transactionRef, occurred_at: inputs.transaction.occurredAt, points: shadow.points, level: shadow.level, hits: shadow.hits });
        }
        await db('shadow_results').insert(rows).onConflict(['shadow_run_id', 'transaction_ref']).merge();
      } catch (err) {
        // a shadow never holds up or changes the live score: it is logged and the transaction goes on
        logger.warn({ err, transactionRef: inputs.transaction.transactionRef }, 'shadow scoring failed; the live score is unaffected');
      }
    },
  };
}
