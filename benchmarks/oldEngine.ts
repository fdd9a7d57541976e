// The bank's current engine (../shared/seed-rules.md), re-implemented so that it can be scored on
// the same rows as Kinga. Faithful to its arithmetic: float points (0.4 + 0.3 + 0.1 is MEDIUM
// there), substring merchant keywords, a location category, and an isolation forest on
// log1p(amount), hour, day of week, type and channel whose contribution is max(0, −decision × 0.3).
// Where its input differs from Kinga's rows: a country other than KE is its "foreign" category,
// and its hour is read in Nairobi time (the old engine mixed local time and UTC; local time is
// the kinder reading). Its forest is Kinga's implementation with the old parameters (100 trees,
// ψ = 256, seed 42, contamination 0.1, at most 1,000 rows of the last 30 days); an isolation
// forest is scale-free, so its standardisation is left out.
import { CHANNELS, TRANSACTION_TYPES, localTime, trainIsolationForest, type IsolationForest, type Transaction } from '../risk';

const KEYWORDS = ['unknown', 'shell', 'suspicious', 'cash'];
const OLD_TIME_ZONE = 'Africa/Nairobi';

export interface OldModel {
  forest: IsolationForest;
  /** the training scores' 90th percentile: sklearn's offset for contamination 0.1 */
  offset: number;
}

function oldFeatures(t: Transaction): number[] {
  const local = localTime(t.occurredAt, OLD_TIME_ZONE);
  return [Math.log1p(Number(t.amount)), local.hour, local.dayOfWeek, TRANSACTION_TYPES.indexOf(t.type), CHANNELS.indexOf(t.channel)];
}

/** Trains like the old engine: the last 30 days before `asOf`, at most 1,000 rows. */
export function trainOldModel(history: ReadonlyArray<Transaction>, asOf: number): OldModel {
  const from = asOf - 30 * 86_400_000;
  const recent = history.filter((t) => Date.parse(t.occurredAt) >= from && Date.parse(t.occurredAt) < asOf).slice(-1_000);
  const matrix = recent.map(oldFeatures);
  const forest = trainIsolationForest(matrix, { trees: 100, sampleSize: 256, seed: 42 });
  const scores = forest.scoreMany(matrix).sort((a, b) => a - b);
  return { forest, offset: scores[Math.floor(0.9 * (scores.length - 1))] ?? 0.5 };
}

/** The old engine's score in [0, 1] (floats, as it computed them). */
export function oldEngineScore(t: Transaction, model: OldModel | null): number {
  const amount = Number(t.amount);
  let score = 0;
  if (amount > 10_000_000) score += 0.4;
  else if (amount > 1_000_000) score += 0.2;
  const name = (t.merchantName ?? '').toLowerCase();
  if (KEYWORDS.some((k) => name.includes(k))) score += 0.3;
  if ((t.type === 'transfer' || t.type === 'payment') && amount > 5_000_000) score += 0.2;
  if (t.country.trim().toUpperCase() !== 'KE') score += 0.25;
  if (t.channel === 'online' && amount > 2_000_000) score += 0.15;
  const hour = localTime(t.occurredAt, OLD_TIME_ZONE).hour;
  if (hour < 6 || hour > 22) score += 0.1;
  if (model) score += Math.max(0, (model.forest.score(oldFeatures(t)) - model.offset) * 0.3);
  return Math.min(1, score);
}

/** Its levels: HIGH ≥ 0.8, MEDIUM ≥ 0.5. */
export const OLD_MEDIUM = 0.5;
