// Public API of the pure risk logic: no I/O, deterministic, safe in Temporal local activities.
export * from './types';
export { assertAmount, compareAmount, isAbove, amountToNumber, formatKes, multiplyDecimals } from './amount';
export { BASE_CURRENCY, convertToKes, needsConversion, type FxRate } from './fx';
export { localDate, localHour, localDayOfWeek, localTime, localTimeAt, toEpochMs, type LocalTime } from './time';
export { buildProfile, profileFromWindow, ProfileHistory, PROFILE_HISTORY_LIMIT, RECENT_LOOKBACK_MINUTES, type ProfileEntry, type ProfileInput, type ProfileWindowEntry } from './profile';
export { evaluateRules, inWindow, containsWord, formatPoints, RULE_ORDER, RULE_LABELS, type RuleName } from './rules';
export { scoreTransaction, evaluateAnomaly, anomalyPoints, levelFor, RULESET_VERSION, MAX_POINTS, type AnomalyInput } from './score';
export { createRng, deriveSeed, type Rng } from './random';
export {
  IsolationForest,
  trainIsolationForest,
  averagePathLength,
  FOREST_FORMAT,
  type TrainOptions,
  type ForestParams,
  type SerializedForest,
} from './anomaly/isolationForest';
export { FEATURE_NAMES, FEATURE_COUNT, DOMESTIC_COUNTRY, anomalyFeatures, buildTrainingMatrix } from './anomaly/features';
export { rocAuc } from './anomaly/metrics';
export { ruleSetContentSchema, diffRuleSets, withDefaults, type RuleSetContent, type RuleSetChange, type BlacklistedMerchantEntry } from './ruleSet';
