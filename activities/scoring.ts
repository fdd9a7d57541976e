// Scoring: gathers what the pure risk logic needs (blacklist, the customer's history, the active
// anomaly model) and lets it decide. Runs as a local activity, so it must stay quick.
import { ApplicationFailure } from '@temporalio/activity';
import { anomalyFeatures, buildProfile, convertToKes, IsolationForest, needsConversion, profileFromWindow, scoreTransaction as scoreWithPolicy, type ProfileWindowEntry } from '../risk';
import { findKesRate, missingRateReason } from '../db/fxRates';
import type { Knex } from 'knex';
import type { CustomerProfile, ScoreBreakdown, ScoringContext, Transaction } from '../risk/types';
import type { RuleSetContent } from '../risk/ruleSet';
import { createRuleSetStore } from '../admin/ruleSets';
import type { ActivityDeps } from './deps';
import { recordScoringInputs } from './scoringInputs';
import { createShadowScoring } from './shadow';
import { INVALID_DATA } from './failures';

/** How far back a customer's history is read for their profile. */
const PROFILE_LOOKBACK_DAYS = 90;
const PROFILE_MAX_ROWS = 500;
/** How often the worker looks for a newer anomaly model. */
const MODEL_REFRESH_MS = 30_000;

interface LoadedModel {
  version: number;
  forest: IsolationForest;
}

/** A rule-set version as scoring uses it: its content, and its blacklist as a lookup. */
interface LoadedRuleSet {
  version: number;
  content: RuleSetContent;
  blacklist: Map<string, { merchantId: string; reason: string }>;
}

/**
 * The start of the period a profile looks at: PROFILE_LOOKBACK_DAYS before the transaction. A
 * recorded date whose period would begin before year 1 (PostgreSQL has no year 0) is a data
 * error that no retry mends: it fails for good, naming the field, so the lifecycle puts the
 * transaction in needs_attention instead of scoring it on a profile nobody can read back.
 */
function lookbackStart(transaction: Pick<Transaction, 'occurredAt'>): string {
  const start = new Date(Date.parse(transaction.occurredAt) - PROFILE_LOOKBACK_DAYS * 86_400_000);
  if (Number.isNaN(start.getTime()) || start.getUTCFullYear() < 1) {
    throw ApplicationFailure.nonRetryable(
      `occurredAt ${JSON.stringify(transaction.occurredAt)} is out of range: the customer's ${PROFILE_LOOKBACK_DAYS}-day profile would begin before year 1`,
      INVALID_DATA,
    );
  }
  return start.toISOString();
}

/**
 * The customer's profile just before the transaction, from their window in customer_profiles,
 * which the database keeps up to date as transactions are recorded (one row read); from their
 * history only when the window cannot tell (a transaction far older than the customer's latest).
 */
export async function readProfile(
  db: Knex,
  transaction: Pick<Transaction, 'customerId' | 'occurredAt' | 'transactionRef'>,
  velocityWindowMinutes: number,
): Promise<CustomerProfile> {
  const stored = await db('customer_profiles')
    .where({ customer_id: transaction.customerId })
    .first<{ entries: ProfileWindowEntry[]; evicted_through_us: string | number | null } | undefined>('entries', 'evicted_through_us');
  const since = lookbackStart(transaction);
  const evicted = stored?.evicted_through_us == null ? null : Number(stored.evicted_through_us);
  return profileFromWindow(stored?.entries ?? [], evicted, transaction, Date.parse(since), velocityWindowMinutes) ?? (await profileFromHistory(db, transaction, velocityWindowMinutes));
}

/** The profile rebuilt from the customer's recorded transactions: what the window replaces, and its fallback. */
export async function profileFromHistory(
  db: Knex,
  transaction: Pick<Transaction, 'customerId' | 'occurredAt' | 'transactionRef'>,
  velocityWindowMinutes: number,
): Promise<CustomerProfile> {
  const earlier = await db('transactions')
    .where({ customer_id: transaction.customerId })
    .andWhere('occurred_at', '<', transaction.occurredAt)
    .andWhere('occurred_at', '>=', lookbackStart(transaction))
    .andWhereNot({ transaction_ref: transaction.transactionRef })
    // the reference breaks ties, so the cap keeps the same rows the window keeps
    .orderBy([
      { column: 'occurred_at', order: 'desc' },
      { column: 'transaction_ref', order: 'desc' },
    ])
    .limit(PROFILE_MAX_ROWS)
    .select<{ amount: string; city: string; country: string; occurred_at: Date }[]>('amount', 'city', 'country', 'occurred_at');
  // oldest first: buildProfile's stable sort keeps ties in the order given
  earlier.reverse();
  return buildProfile(
    earlier.map((r) => ({ amount: String(r.amount), city: r.city, country: r.country, occurredAt: new Date(r.occurred_at).toISOString() })),
    transaction,
    velocityWindowMinutes,
  );
}

export function createScoringActivities({ db, config, logger }: ActivityDeps) {
  let cached: LoadedModel | null = null;
  let checkedAt = 0;
  const ruleSets = createRuleSetStore(db, config);
  const shadow = createShadowScoring({ db, config, logger });
  // versions never change once written, so each is read once per worker
  const ruleSetCache = new Map<number, Promise<LoadedRuleSet>>();
  const pinnedModels = new Map<number, Promise<LoadedModel | null>>();

  function ruleSet(version: number | undefined): Promise<LoadedRuleSet> {
    const load = async (): Promise<LoadedRuleSet> => {
      const found = version === undefined ? await ruleSets.live() : await ruleSets.get(version);
      if (!found) throw new Error(`rule set version ${version} not found`);
      return { version: found.version, content: found.content, blacklist: new Map(found.content.blacklist.merchants.map((m) => [m.merchantId, m])) };
    };
    // a lifecycle from before rule sets names no version: it gets the live one (not cached)
    if (version === undefined) return load();
    let entry = ruleSetCache.get(version);
    if (!entry) {
      entry = load();
      ruleSetCache.set(version, entry);
      entry.catch(() => ruleSetCache.delete(version)); // a failed read is tried again next time
    }
    return entry;
  }

  function modelVersion(version: number): Promise<LoadedModel | null> {
    let entry = pinnedModels.get(version);
    if (!entry) {
      entry = db('anomaly_models')
        .where({ version })
        .first<{ version: number; model: unknown } | undefined>('version', 'model')
        .then((row) => (row ? { version: row.version, forest: IsolationForest.fromJSON(row.model as Parameters<typeof IsolationForest.fromJSON>[0]) } : null));
      pinnedModels.set(version, entry);
      entry.catch(() => pinnedModels.delete(version)); // a failed read is tried again next time
    }
    return entry;
  }

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
    async scoreTransaction({ transaction: recorded, ruleSetVersion }: { transaction: Transaction; ruleSetVersion?: number }): Promise<ScoreBreakdown> {
      const rules = await ruleSet(ruleSetVersion);
      const policy = rules.content.scoring;
      const pinnedModel = rules.content.anomalyModelVersion;
      // The rules think in KES: another currency is valued at the stored rate for its date first.
      let transaction = recorded;
      let fx: ScoreBreakdown['fx'];
      if (needsConversion(recorded)) {
        const rate = await findKesRate(db, recorded.currency, recorded.occurredAt, config.fx);
        // Ingestion refuses such transactions; a rate deleted since then must not be guessed either.
        if (!rate) throw ApplicationFailure.create({ type: 'fx_rate_unknown', message: missingRateReason(recorded.currency, recorded.occurredAt, config.fx), nonRetryable: true });
        ({ transaction, fx } = convertToKes(recorded, rate));
      }
      const blacklisted = transaction.merchantId ? rules.blacklist.get(transaction.merchantId) : undefined;
      const [profile, model] = await Promise.all([
        readProfile(db, transaction, policy.rules.velocity.windowMinutes),
        !policy.anomaly.enabled ? Promise.resolve(null) : pinnedModel === null ? activeModel() : modelVersion(pinnedModel),
      ]);
      const context: ScoringContext = {
        blacklistedMerchant: blacklisted ? { merchantId: blacklisted.merchantId, reason: blacklisted.reason } : null,
        customer: profile,
      };
      const anomaly = model
        ? {
            modelVersion: model.version,
            // features are only ever appended: a model trained before the last ones reads its first columns
            score: model.forest.score(anomalyFeatures(transaction, profile, policy.rules.offHours.timeZone).slice(0, model.forest.params.features)),
          }
        : null;
      const breakdown = scoreWithPolicy(transaction, context, policy, anomaly, rules.version);
      // what was seen, recorded before the score is used: backtests and shadow runs re-score exactly this
      const inputs = { transaction, profile, ruleSetVersion: rules.version, anomaly };
      await recordScoringInputs(db, inputs);
      await shadow.scoreInShadow(inputs); // recorded beside the live score, never returned
      return fx ? { ...breakdown, fx } : breakdown;
    },
  };
}
