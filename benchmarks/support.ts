// Shared bits for benchmarks: the risk API and the configured defaults (from an empty environment,
// so a benchmark measures what a fresh install runs).
import { loadConfig } from '../config';

export { buildTrainingMatrix, FEATURE_NAMES, rocAuc, trainIsolationForest } from '../risk';

export function loadDefaults(env: Record<string, string> = {}) {
  const config = loadConfig(env);
  return {
    policy: config.scoring,
    timeZone: config.scoring.rules.offHours.timeZone,
    velocityWindowMinutes: config.scoring.rules.velocity.windowMinutes,
    anomaly: config.scoring.anomaly,
    training: config.anomalyTraining,
  };
}
