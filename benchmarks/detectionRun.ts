// Out-of-sample scoring of generated warehouse rows by Kinga's policy and by the old engine, and
// the figures a fraud team reads from it: the share of each fraud pattern that becomes a case,
// the share of normal rows that does (the false-positive rate), precision, and recall at a fixed
// false-positive rate. Shared by benchmarks/detection.ts and benchmarks/demoTrickle.ts.
import {
  ProfileHistory,
  anomalyFeatures,
  buildTrainingMatrix,
  scoreTransaction,
  trainIsolationForest,
  type ScoringPolicy,
  type Transaction,
} from '../risk';
import { BLACKLISTED_MERCHANTS, toTransaction, type WarehouseRow } from '../warehouse/generator';
import { OLD_MEDIUM, oldEngineScore, trainOldModel } from './oldEngine';

export interface TrainingSettings {
  trees: number;
  sampleSize: number;
  seed: number;
  days: number;
  maxRows: number;
}

export interface ScoredRow {
  /** the fraud pattern, or "normal" */
  group: string;
  fraud: boolean;
  /** Kinga's total in basis points */
  kinga: number;
  /** the old engine's score in [0, 1] */
  old: number;
  /** Kinga's rules that hit */
  hits: string[];
  anomalyPoints: number;
}

const blacklist = new Map(BLACKLISTED_MERCHANTS.map((m) => [m.merchantId, m.reason]));

/**
 * Trains both engines on `history` as production would (Kinga: the last `days` days, at most
 * `maxRows` rows, profiles built from those rows; the old engine: its own 30 days / 1,000 rows),
 * then scores `live` in time order. Every customer's profile holds all of their earlier rows,
 * history and live alike, as the scoring activity reads them from the database.
 */
export function scoreOutOfSample(history: ReadonlyArray<WarehouseRow>, live: ReadonlyArray<WarehouseRow>, policy: ScoringPolicy, training: TrainingSettings): ScoredRow[] {
  const tz = policy.rules.offHours.timeZone;
  const velocity = policy.rules.velocity.windowMinutes;
  const past = history.map(toTransaction);
  const asOf = live.length ? Date.parse(toTransaction(live[0]!).occurredAt) : Infinity;
  const from = asOf - training.days * 86_400_000;
  const recent = past.filter((t) => Date.parse(t.occurredAt) >= from).slice(-training.maxRows);
  const forest = trainIsolationForest(buildTrainingMatrix(recent, tz, velocity), { trees: training.trees, sampleSize: training.sampleSize, seed: training.seed });
  const oldModel = trainOldModel(past, asOf);

  const histories = new Map<string, ProfileHistory>();
  const remember = (t: Transaction, at: number) => {
    let h = histories.get(t.customerId);
    if (!h) histories.set(t.customerId, (h = new ProfileHistory()));
    h.add({ amount: Number(t.amount), city: t.city, country: t.country, at });
    return h;
  };
  for (const t of past) remember(t, Date.parse(t.occurredAt));

  const out: ScoredRow[] = [];
  for (const row of live) {
    const t = toTransaction(row);
    const at = Date.parse(t.occurredAt);
    const profile = (histories.get(t.customerId) ?? new ProfileHistory()).profile(at, velocity);
    const merchant = t.merchantId ? blacklist.get(t.merchantId) : undefined;
    const ctx = { blacklistedMerchant: merchant ? { merchantId: t.merchantId!, reason: merchant } : null, customer: profile };
    const b = scoreTransaction(t, ctx, policy, { modelVersion: 1, score: forest.score(anomalyFeatures(t, profile, tz)) });
    out.push({
      group: row.is_fraud ? (row.fraud_pattern ?? 'fraud') : 'normal',
      fraud: row.is_fraud,
      kinga: b.points,
      old: oldEngineScore(t, oldModel),
      hits: b.rules.filter((r) => r.hit).map((r) => r.rule),
      anomalyPoints: b.anomaly.points,
    });
    remember(t, at);
  }
  return out;
}

/** The last third by time is scored; the first two thirds are the history. */
export function timeSplit(rows: ReadonlyArray<WarehouseRow>): { history: WarehouseRow[]; live: WarehouseRow[] } {
  const cut = Math.floor(rows.length * (2 / 3));
  return { history: rows.slice(0, cut), live: rows.slice(cut) };
}

export interface Outcome {
  rows: number;
  cases: number;
}

export interface EngineSummary {
  /** per group (fraud pattern or "normal"): rows and how many became cases */
  groups: Map<string, Outcome>;
  fraud: Outcome;
  normal: Outcome;
}

export function summarise(scored: ReadonlyArray<ScoredRow>, isCase: (r: ScoredRow) => boolean): EngineSummary {
  const groups = new Map<string, Outcome>();
  const fraud = { rows: 0, cases: 0 };
  const normal = { rows: 0, cases: 0 };
  for (const r of scored) {
    const g = groups.get(r.group) ?? { rows: 0, cases: 0 };
    groups.set(r.group, g);
    const c = isCase(r) ? 1 : 0;
    g.rows++;
    g.cases += c;
    const total = r.fraud ? fraud : normal;
    total.rows++;
    total.cases += c;
  }
  return { groups, fraud, normal };
}

export const kingaCase = (policy: ScoringPolicy) => (r: ScoredRow) => r.kinga >= policy.levels.medium;
export const oldCase = (r: ScoredRow) => r.old >= OLD_MEDIUM;

/** Share of fraud caught and precision, at each threshold. */
export interface CurvePoint {
  /** the target false-positive rate */
  targetFpr: number;
  /** the lowest threshold that keeps the normal rows' case rate at or below the target */
  threshold: number;
  fpr: number;
  recall: number;
  precision: number;
}

/**
 * Recall at fixed false-positive rates: for each target, the lowest score threshold whose share of
 * normal rows at or above it does not exceed the target (ties move together, so the achieved rate
 * may be below the target).
 */
export function recallAtFpr(scored: ReadonlyArray<ScoredRow>, score: (r: ScoredRow) => number, targets: ReadonlyArray<number>): CurvePoint[] {
  const normal = scored.filter((r) => !r.fraud).map(score).sort((a, b) => b - a);
  const fraud = scored.filter((r) => r.fraud).map(score);
  const thresholds = [...new Set(scored.map(score))].sort((a, b) => b - a);
  return targets.map((targetFpr) => {
    let best = { threshold: Infinity, fpr: 0, recall: 0, precision: 1 };
    for (const t of thresholds) {
      const fp = countAtLeast(normal, t);
      const fpr = fp / Math.max(1, normal.length);
      if (fpr > targetFpr) break;
      const tp = fraud.filter((s) => s >= t).length;
      best = { threshold: t, fpr, recall: tp / Math.max(1, fraud.length), precision: tp + fp === 0 ? 1 : tp / (tp + fp) };
    }
    return { targetFpr, ...best };
  });
}

/** `desc` is sorted high to low. */
function countAtLeast(desc: ReadonlyArray<number>, t: number): number {
  let lo = 0;
  let hi = desc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid]! >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;
