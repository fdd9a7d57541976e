// The total score: rule points plus the anomaly model's contribution, in integer basis points so
// that cut-offs are exact (0.4 + 0.3 + 0.1 is 8000 points: HIGH, not 0.7999…).
import type { AnomalyPolicy, AnomalyResult, LevelThresholds, RiskLevel, ScoreBreakdown, ScoringContext, ScoringPolicy, Transaction } from './types';
import { evaluateRules } from './rules';

/** The rule-set version a score names when the caller gives none (version 1: the configuration's). */
export const RULESET_VERSION = 1;

export const MAX_POINTS = 10_000;

export interface AnomalyInput {
  /** version of the stored model that produced the score */
  modelVersion: number;
  /** Liu et al. anomaly score in [0, 1] */
  score: number;
}

export function levelFor(points: number, thresholds: LevelThresholds): RiskLevel {
  if (points >= thresholds.high) return 'high';
  if (points >= thresholds.medium) return 'medium';
  return 'low';
}

/**
 * Basis points for an anomaly score: nothing below the threshold, everything at or above the
 * saturation, linear (rounded to whole points) in between.
 */
export function anomalyPoints(score: number, policy: AnomalyPolicy): number {
  if (score < policy.threshold) return 0;
  if (score >= policy.saturation || policy.saturation <= policy.threshold) return Math.round(policy.points);
  return Math.round((policy.points * (score - policy.threshold)) / (policy.saturation - policy.threshold));
}

function nothingAdded(policy: AnomalyPolicy, modelVersion: number | null, score: number | null, detail: string): AnomalyResult {
  return { enabled: policy.enabled, modelVersion, score, points: 0, contribution: 0, detail };
}

export function evaluateAnomaly(anomaly: AnomalyInput | null, policy: AnomalyPolicy): AnomalyResult {
  const modelVersion = anomaly?.modelVersion ?? null;
  const score = anomaly && Number.isFinite(anomaly.score) ? anomaly.score : null;
  if (!policy.enabled) return nothingAdded(policy, modelVersion, score, 'anomaly model switched off: adds nothing');
  if (!anomaly) return nothingAdded(policy, modelVersion, score, 'no trained anomaly model yet: adds nothing');
  if (score === null) return nothingAdded(policy, modelVersion, score, `model ${anomaly.modelVersion} gave no usable score: adds nothing`);

  const points = anomalyPoints(score, policy);
  const s = score.toFixed(3);
  const detail =
    points === 0
      ? `anomaly score ${s} is below ${policy.threshold}: adds nothing`
      : score >= policy.saturation
        ? `anomaly score ${s} is at or above ${policy.saturation}: clear outlier, +${points / 10_000}`
        : `anomaly score ${s} is between ${policy.threshold} and ${policy.saturation}: +${points / 10_000}`;
  return { enabled: true, modelVersion, score, points, contribution: points / 10_000, detail };
}

export function scoreTransaction(
  txn: Transaction,
  ctx: ScoringContext,
  policy: ScoringPolicy,
  anomaly: AnomalyInput | null,
  ruleSetVersion: number = RULESET_VERSION,
): ScoreBreakdown {
  const rules = evaluateRules(txn, ctx, policy.rules, policy.levels);
  const anomalyResult = evaluateAnomaly(anomaly, policy.anomaly);
  let raw = anomalyResult.points;
  for (const r of rules) raw += r.points;
  const points = Math.min(MAX_POINTS, Math.max(0, raw));
  const usedModel = policy.anomaly.enabled && anomaly !== null;
  return {
    score: points / MAX_POINTS,
    points,
    level: levelFor(points, policy.levels),
    rules,
    anomaly: anomalyResult,
    thresholds: { ...policy.levels },
    modelVersion: `rules/${ruleSetVersion}+${usedModel ? `iforest/${anomaly.modelVersion}` : 'no-model'}`,
    ruleSetVersion,
  };
}
