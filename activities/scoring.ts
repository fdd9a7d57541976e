// Scoring: gathers what the pure risk logic needs (blacklist, the customer's history, the active
// anomaly model) and lets it decide. Runs as a local activity, so it must stay quick.
import { anomalyFeatures, buildProfile, IsolationForest, scoreTransaction as scoreWithPolicy } from '../risk';
import type { ScoreBreakdown, ScoringContext, Transaction } from '../risk/types';
import type { ActivityDeps } from './deps';

/** How far back a customer's history is read for their profile. */
const PROFILE_LOOKBACK_DAYS = 90;
const PROFILE_MAX_ROWS = 500;
/** How often the worker looks for a newer anomaly model. */
const MODEL_REFRESH_MS = 30_000;

interface LoadedModel {
  version: number;
  forest: IsolationForest;
}

export function createScoringActivities({ db, config }: ActivityDeps) {
  let cached: LoadedModel | null = null;
  let checkedAt = 0;

  async function activeModel(): Promise<LoadedModel | null> {
    if (Date.now() - checkedAt < MODEL_REFRESH_MS) return cached;
    const latest = await db('anomaly_models').max<{ version: number | null }>('version as version').first();
    const version = latest?.version ?? null;
    if (version !== null && version !== cached?.version) {
      const row = await db('anomaly_models').where({ version }).first<{ version: number; model: unknown }>('version', 'model');
      cached = { version: row.version, forest: IsolationForest.fromJSON(row.model as Parameters<typeof IsolationForest.fromJSON>[0]) };
    }
    if (version === null) cached = null;
    checkedAt = Date.now();
    return cached;
  }

  return {
    async scoreTransaction({ transaction }: { transaction: Transaction }): Promise<ScoreBreakdown> {
      const policy = config.scoring;
      const since = new Date(Date.parse(transaction.occurredAt) - PROFILE_LOOKBACK_DAYS * 86_400_000).toISOString();
      const [blacklisted, earlier, model] = await Promise.all([
        transaction.merchantId
          ? db('merchant_blacklist').where({ merchant_id: transaction.merchantId }).first<{ merchant_id: string; reason: string }>('merchant_id', 'reason')
          : Promise.resolve(undefined),
        db('transactions')
          .where({ customer_id: transaction.customerId })
          .andWhere('occurred_at', '<', transaction.occurredAt)
          .andWhere('occurred_at', '>=', since)
          .andWhereNot({ transaction_ref: transaction.transactionRef })
          .orderBy('occurred_at', 'desc')
          .limit(PROFILE_MAX_ROWS)
          .select<{ amount: string; city: string; occurred_at: Date }[]>('amount', 'city', 'occurred_at'),
        policy.anomaly.enabled ? activeModel() : Promise.resolve(null),
      ]);
      const profile = buildProfile(
        earlier.map((r) => ({ amount: String(r.amount), city: r.city, occurredAt: new Date(r.occurred_at).toISOString() })),
        transaction,
        policy.rules.velocity.windowMinutes,
      );
      const context: ScoringContext = {
        blacklistedMerchant: blacklisted ? { merchantId: blacklisted.merchant_id, reason: blacklisted.reason } : null,
        customer: profile,
      };
      const anomaly = model
        ? { modelVersion: model.version, score: model.forest.score(anomalyFeatures(transaction, profile, policy.rules.offHours.timeZone)) }
        : null;
      return scoreWithPolicy(transaction, context, policy, anomaly);
    },
  };
}
