// Does the anomaly engine find the generator's labelled fraud? Measured as ROC AUC on
// 300 customers × 30 days (~16,000 rows, ~3% labelled).
import { describe, expect, it } from 'vitest';
import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import { buildTrainingMatrix, FEATURE_NAMES } from '../../risk/anomaly/features';
import { trainIsolationForest } from '../../risk/anomaly/isolationForest';
import { rocAuc } from '../../risk/anomaly/metrics';
import { FRAUD_PATTERNS, generateHistory, toTransaction } from '../../warehouse/generator';

const rows = generateHistory({ seed: 20261125, customers: 300, days: 30, endAt: '2026-03-01T00:00:00Z' });
const labels = rows.map((r) => r.is_fraud);
const matrix = buildTrainingMatrix(rows.map(toTransaction), 'Africa/Nairobi', 60);

describe('anomaly detection on generated data', () => {
  it('Kinga’s isolation forest ranks labelled anomalies far above normal rows', () => {
    const forest = trainIsolationForest(matrix, { trees: 100, sampleSize: 256, seed: 42, featureNames: [...FEATURE_NAMES] });
    const scores = forest.scoreMany(matrix);
    const auc = rocAuc(scores, labels);
    const perPattern = Object.fromEntries(
      FRAUD_PATTERNS.map((p) => {
        const idx = rows.flatMap((r, i) => (!r.is_fraud || r.fraud_pattern === p ? [i] : []));
        return [p, Number(rocAuc(idx.map((i) => scores[i]), idx.map((i) => labels[i])).toFixed(3))];
      }),
    );
    console.log(`kinga iforest: rows=${rows.length} labelled=${labels.filter(Boolean).length} AUC=${auc.toFixed(4)}`, perPattern);
    // Measured 0.935–0.956 over 3 data seeds × 5 forest seeds; 0.90 leaves room for generator
    // tweaks while still failing on a real regression (a broken feature or path length drops it
    // towards 0.5–0.8).
    expect(auc).toBeGreaterThan(0.9);
    for (const p of FRAUD_PATTERNS) expect(perPattern[p]).toBeGreaterThan(0.8);
  });

  it('ml-isolation-forest 0.1.0 also ranks them well (unseeded: tolerant bound)', () => {
    // The library has no subsampling or seed: every tree sees all rows, so its AUC varies a little.
    const ml = new MlIsolationForest({ nEstimators: 100 });
    ml.train(matrix);
    const auc = rocAuc(ml.predict(matrix), labels);
    console.log(`ml-isolation-forest: rows=${rows.length} AUC=${auc.toFixed(4)}`);
    expect(auc).toBeGreaterThan(0.8);
  });
});
