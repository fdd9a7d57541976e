// Anomaly engines on generated warehouse data: Kinga's isolation forest versus
// ml-isolation-forest 0.1.0. Prints ROC AUC against the generator's fraud labels, training time
// and scoring time per 1000 rows.   Run: npx tsx benchmarks/anomaly.ts [customers] [days] [seed]
import { IsolationForest as MlIsolationForest } from 'ml-isolation-forest';
import { buildTrainingMatrix, FEATURE_NAMES, loadDefaults, rocAuc, trainIsolationForest } from './support';
import { FRAUD_PATTERNS, generateHistory, toTransaction, type WarehouseRow } from '../warehouse/generator';

const customers = Number(process.argv[2] ?? 300);
const days = Number(process.argv[3] ?? 30);
const seed = Number(process.argv[4] ?? 20261125);
const REPEATS = 3;
const { timeZone, velocityWindowMinutes, anomaly, training } = loadDefaults();

interface Engine {
  name: string;
  /** returns how many rows the model was built from */
  train(rows: number[][]): number;
  score(rows: number[][]): number[];
}

const engines: Engine[] = [];
{
  let forest: ReturnType<typeof trainIsolationForest> | null = null;
  engines.push({
    name: `kinga iforest (t=${training.trees}, ψ=${training.sampleSize}, seed ${training.seed})`,
    train: (rows) => {
      forest = trainIsolationForest(rows, { trees: training.trees, sampleSize: training.sampleSize, seed: training.seed, featureNames: [...FEATURE_NAMES] });
      return rows.length; // each tree draws its own ψ-row sample from all of them
    },
    score: (rows) => forest!.scoreMany(rows),
  });
}
for (const subsample of [false, true]) {
  let ml: MlIsolationForest | null = null;
  engines.push({
    // the library has no subsampling: every tree sees all rows (depth ⌈log2 n⌉) unless we pass a sample
    name: subsample ? 'ml-isolation-forest 0.1.0 (100 trees, one ~256-row sample)' : 'ml-isolation-forest 0.1.0 (100 trees, all rows)',
    train: (rows) => {
      ml = new MlIsolationForest({ nEstimators: 100 });
      const used = subsample ? rows.filter((_, i) => i % Math.max(1, Math.floor(rows.length / 256)) === 0) : rows;
      ml.train(used);
      return used.length;
    },
    score: (rows) => ml!.predict(rows),
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function evaluate(engine: Engine, trainRows: number[][], testRows: number[][], testLabels: boolean[], testMeta: WarehouseRow[]) {
  const trainMs: number[] = [];
  const scoreMs: number[] = [];
  let scores: number[] = [];
  let used = 0;
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    used = engine.train(trainRows);
    trainMs.push(performance.now() - t);
    t = performance.now();
    scores = engine.score(testRows);
    scoreMs.push(performance.now() - t);
  }
  const perPattern = Object.fromEntries(
    FRAUD_PATTERNS.map((p) => {
      const idx = testMeta.flatMap((m, i) => (!m.is_fraud || m.fraud_pattern === p ? [i] : []));
      const pos = idx.filter((i) => testLabels[i]).length;
      return [p, pos === 0 ? 'n/a' : rocAuc(idx.map((i) => scores[i]), idx.map((i) => testLabels[i])).toFixed(3)];
    }),
  );
  return { used, auc: rocAuc(scores, testLabels), trainMs: median(trainMs), scorePer1000: (median(scoreMs) / testRows.length) * 1000, perPattern, scores };
}

const t0 = performance.now();
const rows = generateHistory({ seed, customers, days, endAt: '2026-03-01T00:00:00Z' });
const genMs = performance.now() - t0;
const t1 = performance.now();
const matrix = buildTrainingMatrix(rows.map(toTransaction), timeZone, velocityWindowMinutes);
const featureMs = performance.now() - t1;
const labels = rows.map((r) => r.is_fraud);
const labelled = labels.filter(Boolean).length;

console.log(`data: ${customers} customers × ${days} days, seed ${seed}: ${rows.length} rows, ${labelled} labelled (${((100 * labelled) / rows.length).toFixed(2)}%)`);
console.log(`      generated in ${genMs.toFixed(0)} ms; ${FEATURE_NAMES.length} features built in ${featureMs.toFixed(0)} ms (${((featureMs / rows.length) * 1000).toFixed(1)} ms per 1000 rows)`);
console.log(`timings: median of ${REPEATS} runs on this machine\n`);

// 1) in-sample, as the nightly training does: train on the window, score the same rows
// 2) out-of-sample: train on the first two thirds of the window (by time), score the last third
const cut = Math.floor((rows.length * 2) / 3);
const setups = [
  { title: 'in-sample (train and score all rows)', train: matrix, test: matrix, labels, meta: rows },
  { title: `time split (train first ${cut} rows, score last ${rows.length - cut})`, train: matrix.slice(0, cut), test: matrix.slice(cut), labels: labels.slice(cut), meta: rows.slice(cut) },
];

for (const s of setups) {
  console.log(`== ${s.title}`);
  for (const engine of engines) {
    const r = evaluate(engine, s.train, s.test, s.labels, s.meta);
    console.log(
      `${engine.name.padEnd(58)} AUC ${r.auc.toFixed(4)}  train ${r.trainMs.toFixed(1).padStart(7)} ms  score ${r.scorePer1000.toFixed(2).padStart(6)} ms/1000 rows  rows used: train ${r.used} of ${s.train.length}, scored ${s.test.length}`,
    );
    console.log(`${''.padEnd(58)} per pattern: ${Object.entries(r.perPattern).map(([p, a]) => `${p} ${a}`).join(', ')}`);
    if (engine === engines[0]) {
      // what the default scoring policy would add: points start at the threshold, full at saturation
      const above = (v: number, pos: boolean) => s.labels.filter((l, i) => l === pos && r.scores[i] >= v).length / s.labels.filter((l) => l === pos).length;
      console.log(
        `${''.padEnd(58)} share ≥ threshold ${anomaly.threshold}: labelled ${(100 * above(anomaly.threshold, true)).toFixed(1)}%, normal ${(100 * above(anomaly.threshold, false)).toFixed(1)}%;` +
          ` ≥ saturation ${anomaly.saturation}: labelled ${(100 * above(anomaly.saturation, true)).toFixed(1)}%, normal ${(100 * above(anomaly.saturation, false)).toFixed(1)}%`,
      );
    }
  }
  console.log();
}
