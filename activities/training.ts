// Anomaly-model training: reads recent transactions, trains a seeded isolation forest, stores it
// as the next model version. Keyed by the training workflow's id, so a retry stores it once.
import { heartbeat } from '@temporalio/activity';
import { buildTrainingMatrix, trainIsolationForest } from '../risk';
import type { ActivityDeps } from './deps';
import { toTransaction, TRANSACTION_COLUMNS, type TransactionRow } from '../db/transactionRows';

export const ANOMALY_ENGINE = 'kinga-iforest/1';

export interface TrainingResult {
  version: number | null;
  trainingRows: number;
  skipped?: string;
}

/** Fewer rows than this cannot describe normal behaviour. */
const MIN_TRAINING_ROWS = 200;

export function createTrainingActivities({ db, config, logger }: ActivityDeps) {
  return {
    async trainAnomalyModel({ trainingId, asOf }: { trainingId: string; asOf: string }): Promise<TrainingResult> {
      const existing = await db('anomaly_models').where({ trained_by: trainingId }).first<{ version: number; training_rows: number }>('version', 'training_rows');
      if (existing) return { version: existing.version, trainingRows: existing.training_rows };

      const t = config.anomalyTraining;
      const from = new Date(Date.parse(asOf) - t.days * 86_400_000).toISOString();
      const rows = await db<TransactionRow>('transactions')
        .select(...TRANSACTION_COLUMNS)
        .where('occurred_at', '>=', from)
        .andWhere('occurred_at', '<', asOf)
        .orderBy('occurred_at', 'desc')
        .limit(t.maxRows);
      if (rows.length < MIN_TRAINING_ROWS) {
        return { version: null, trainingRows: rows.length, skipped: `only ${rows.length} transactions since ${from}; at least ${MIN_TRAINING_ROWS} are needed` };
      }
      const transactions = rows.map(toTransaction).reverse();
      const timeZone = config.scoring.rules.offHours.timeZone;
      const matrix = buildTrainingMatrix(transactions, timeZone, config.scoring.rules.velocity.windowMinutes);
      heartbeat('features built');
      const started = performance.now();
      const forest = trainIsolationForest(matrix, { trees: t.trees, sampleSize: t.sampleSize, seed: t.seed });
      const trainMs = performance.now() - started;
      const scores = forest.scoreMany(matrix).sort((a, b) => a - b);
      const quantile = (q: number) => scores[Math.min(scores.length - 1, Math.floor(q * scores.length))]!;
      const metrics = { trainMs: Math.round(trainMs), scoreP50: quantile(0.5), scoreP95: quantile(0.95), scoreP99: quantile(0.99), scoreMax: scores[scores.length - 1] };
      const [stored] = await db('anomaly_models')
        .insert({
          engine: ANOMALY_ENGINE,
          params: JSON.stringify({ trees: t.trees, sampleSize: t.sampleSize, seed: t.seed, timeZone }),
          model: JSON.stringify(forest.toJSON()),
          training_rows: transactions.length,
          training_from: from,
          training_to: asOf,
          metrics: JSON.stringify(metrics),
          trained_by: trainingId,
        })
        .onConflict('trained_by')
        .ignore()
        .returning<{ version: number }[]>('version');
      const version = stored?.version ?? (await db('anomaly_models').where({ trained_by: trainingId }).first<{ version: number }>('version'))!.version;
      logger.info({ version, trainingRows: transactions.length, ...metrics }, 'anomaly model trained');
      return { version, trainingRows: transactions.length };
    },
  };
}
