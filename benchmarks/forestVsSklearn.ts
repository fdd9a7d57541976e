// Kinga's isolation forest against scikit-learn's on the same generated rows: both trained with
// the same trees and subsample size, both scoring every row in-sample (as the nightly training
// does), on one core. scikit-learn runs from a virtualenv this file creates (.kinga/bench-venv,
// packages from PyPI).   npx tsx benchmarks/forestVsSklearn.ts [customers] [days]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../scripts/lib/temporalCli';
import { buildTrainingMatrix, FEATURE_NAMES, loadDefaults, rocAuc, trainIsolationForest } from './support';
import { generateHistory, toTransaction } from '../warehouse/generator';

const run = promisify(execFile);
const VENV = path.join(REPO_ROOT, '.kinga', 'bench-venv');
const SEEDS = 10;

export interface EngineFigures {
  name: string;
  /** mean ROC AUC over the seeds */
  auc: number;
  aucRange: [number, number];
  trainMs: number;
  scoreMs: number;
  rowsPerSecond: number;
}

export interface ForestComparison {
  rows: number;
  labelled: number;
  kinga: EngineFigures;
  sklearn: EngineFigures | { name: string; error: string };
}

/** The virtualenv's python with scikit-learn installed (created on first use). */
export async function sklearnPython(report: (t: string) => void = () => undefined): Promise<string> {
  const python = path.join(VENV, 'bin', 'python');
  const ready = async () => {
    try {
      await run(python, ['-c', 'import sklearn, numpy']);
      return true;
    } catch {
      return false;
    }
  };
  if (await ready()) return python;
  report(`creating ${VENV} with scikit-learn from PyPI\n`);
  if (!fs.existsSync(python)) await run('python3', ['-m', 'venv', VENV]);
  await run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', 'scikit-learn', 'numpy'], { maxBuffer: 16 << 20, timeout: 15 * 60_000 });
  if (!(await ready())) throw new Error(`scikit-learn did not install into ${VENV}`);
  return python;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// CPU time, not wall time: on a shared machine a process waits for a core for longer than it runs.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function compareForests(opts: { customers?: number; days?: number; report?: (t: string) => void } = {}): Promise<ForestComparison> {
  const { timeZone, velocityWindowMinutes, training } = loadDefaults();
  const rows = generateHistory({ seed: 20261125, customers: opts.customers ?? 2000, days: opts.days ?? 30, endAt: '2026-03-01T00:00:00Z' });
  const matrix = buildTrainingMatrix(rows.map(toTransaction), timeZone, velocityWindowMinutes);
  const labels = rows.map((r) => r.is_fraud);
  const params = { trees: training.trees, sampleSize: training.sampleSize, seed: training.seed };

  // Rows packed in one array, as scikit-learn gets its numpy matrix.
  const flat = new Float64Array(matrix.length * FEATURE_NAMES.length);
  matrix.forEach((row, i) => flat.set(row, i * FEATURE_NAMES.length));
  // One seed's AUC varies by ±0.015 on this data (for both engines): compare the mean over seeds.
  const seeds = Array.from({ length: SEEDS }, (_, i) => params.seed + i);
  const trainMs: number[] = [];
  const scoreMs: number[] = [];
  const aucs: number[] = [];
  for (const seed of seeds) {
    let t = cpuMs();
    const forest = trainIsolationForest(matrix, { ...params, seed, featureNames: [...FEATURE_NAMES] });
    trainMs.push(cpuMs() - t);
    t = cpuMs();
    const scores = forest.scoreMany(flat);
    scoreMs.push(cpuMs() - t);
    aucs.push(rocAuc(scores, labels));
  }
  const kinga: EngineFigures = {
    name: `kinga iforest (t=${params.trees}, ψ=${params.sampleSize})`,
    auc: mean(aucs),
    aucRange: [Math.min(...aucs), Math.max(...aucs)],
    trainMs: median(trainMs),
    scoreMs: median(scoreMs),
    rowsPerSecond: (matrix.length / median(scoreMs)) * 1000,
  };

  let sklearn: ForestComparison['sklearn'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-forest-'));
  try {
    const python = await sklearnPython(opts.report);
    fs.writeFileSync(path.join(dir, 'x.f64'), Buffer.from(flat.buffer));
    fs.writeFileSync(path.join(dir, 'y.u8'), Uint8Array.from(labels, (l) => (l ? 1 : 0)));
    const { stdout } = await run(
      python,
      [path.join(REPO_ROOT, 'benchmarks', 'sklearn_iforest.py'), path.join(dir, 'x.f64'), path.join(dir, 'y.u8'), String(FEATURE_NAMES.length), String(params.trees), String(params.sampleSize), String(params.seed), String(SEEDS)],
      { env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'PATH' || k === 'HOME')), OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' }, maxBuffer: 16 << 20 },
    );
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { auc: number; aucMin: number; aucMax: number; trainMs: number; scoreMs: number; version: string };
    sklearn = { name: `scikit-learn ${out.version} IsolationForest`, auc: out.auc, aucRange: [out.aucMin, out.aucMax], trainMs: out.trainMs, scoreMs: out.scoreMs, rowsPerSecond: (matrix.length / out.scoreMs) * 1000 };
  } catch (err) {
    sklearn = { name: 'scikit-learn', error: (err as Error).message.split('\n')[0]! };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows: rows.length, labelled: labels.filter(Boolean).length, kinga, sklearn };
}

export function printForestComparison(c: ForestComparison): void {
  console.log(`isolation forest vs scikit-learn: ${c.rows} generated rows (${c.labelled} labelled fraud), in-sample, one core; AUC the mean over ${SEEDS} seeds (range); CPU times, the median`);
  for (const e of [c.kinga, c.sklearn]) {
    if ('error' in e) console.log(`  ${e.name.padEnd(40)} not run: ${e.error}`);
    else console.log(`  ${e.name.padEnd(40)} AUC ${e.auc.toFixed(4)} (${e.aucRange[0].toFixed(4)}–${e.aucRange[1].toFixed(4)})  train ${e.trainMs.toFixed(0)} ms  score ${e.scoreMs.toFixed(0)} ms = ${Math.round(e.rowsPerSecond)} rows per CPU second`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const customers = process.argv[2] ? Number(process.argv[2]) : undefined;
  const days = process.argv[3] ? Number(process.argv[3]) : undefined;
  printForestComparison(await compareForests({ customers, days, report: (t) => process.stderr.write(t) }));
}
