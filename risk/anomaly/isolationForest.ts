// Isolation Forest after Liu, Ting & Zhou, "Isolation Forest" (ICDM 2008).
// Anomalies are few and different, so random axis-parallel splits isolate them in fewer steps:
// the shorter the average path to a point, the more anomalous it is.
//
// Trees are stored as flat arrays in pre-order, three numbers per node, so that a forest
// serialises to compact plain JSON and scoring is a tight loop:
//   internal node: [feature, splitValue, indexOfRightChild]   (left child is the next node)
//   external node: [-1, size, 0]
import { createRng, type Rng } from '../random';

export const FOREST_FORMAT = 'kinga-iforest/1';

export interface TrainOptions {
  /** number of trees t (default 100) */
  trees?: number;
  /** subsample size ψ per tree (default 256; the paper's recommendation) */
  sampleSize?: number;
  seed: number;
  /** optional names of the columns, kept with the model so a loader can check them */
  featureNames?: string[];
}

export interface ForestParams {
  trees: number;
  sampleSize: number;
  seed: number;
  /** ψ actually used: min(sampleSize, training rows) */
  psi: number;
  /** height limit ⌈log2 ψ⌉ */
  heightLimit: number;
  features: number;
  trainingRows: number;
  featureNames?: string[];
}

export interface SerializedForest {
  format: typeof FOREST_FORMAT;
  params: ForestParams;
  /** one flat array per tree, 3 numbers per node (see the file header) */
  trees: number[][];
}

const EULER_GAMMA = 0.5772156649;
const STRIDE = 3;
const LEAF = -1;

/** Harmonic number estimate H(i) ≈ ln(i) + γ. */
function harmonic(i: number): number {
  return Math.log(i) + EULER_GAMMA;
}

/**
 * c(n): average path length of an unsuccessful search in a binary search tree of n points,
 * c(n) = 2H(n−1) − 2(n−1)/n. c(2) = 1 exactly and c(n ≤ 1) = 0 (a lone point needs no split),
 * as in the authors' extended paper (TKDD 2012).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * harmonic(n - 1) - (2 * (n - 1)) / n;
}

export class IsolationForest {
  private readonly cPsi: number;
  /** c(size) per node, precomputed for external nodes */
  private readonly leafAdjust: Float64Array[];

  private constructor(
    readonly params: ForestParams,
    private readonly trees: Float64Array[],
  ) {
    this.cPsi = averagePathLength(params.psi);
    this.leafAdjust = trees.map((t) => {
      const adj = new Float64Array(t.length / STRIDE);
      for (let n = 0; n < adj.length; n++) if (t[n * STRIDE] === LEAF) adj[n] = averagePathLength(t[n * STRIDE + 1]);
      return adj;
    });
  }

  static train(rows: number[][], options: TrainOptions): IsolationForest {
    const trees = options.trees ?? 100;
    const sampleSize = options.sampleSize ?? 256;
    if (!Number.isInteger(trees) || trees < 1) throw new Error(`trees must be a positive integer, got ${trees}`);
    if (!Number.isInteger(sampleSize) || sampleSize < 2) throw new Error(`sampleSize must be an integer of at least 2, got ${sampleSize}`);
    if (!Number.isFinite(options.seed)) throw new Error(`seed must be a finite number, got ${options.seed}`);
    if (rows.length < 2) throw new Error(`need at least 2 training rows, got ${rows.length}`);
    const features = rows[0].length;
    if (features < 1) throw new Error('training rows have no features');
    rows.forEach((r, i) => checkRow(r, features, `training row ${i}`));
    if (options.featureNames && options.featureNames.length !== features) {
      throw new Error(`${options.featureNames.length} feature names for ${features} features`);
    }

    const psi = Math.min(sampleSize, rows.length);
    const heightLimit = Math.ceil(Math.log2(psi));
    const rng = createRng(options.seed);
    // One index permutation reused across trees: a partial Fisher–Yates shuffle of any
    // permutation still draws a uniform sample without replacement.
    const order = new Int32Array(rows.length);
    for (let i = 0; i < order.length; i++) order[i] = i;

    const built: Float64Array[] = [];
    for (let t = 0; t < trees; t++) {
      for (let i = 0; i < psi; i++) {
        const j = i + rng.int(rows.length - i);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      const sample = Array.from(order.subarray(0, psi), (i) => rows[i]);
      built.push(buildTree(sample, heightLimit, features, rng));
    }
    const params: ForestParams = {
      trees,
      sampleSize,
      seed: options.seed,
      psi,
      heightLimit,
      features,
      trainingRows: rows.length,
      ...(options.featureNames ? { featureNames: [...options.featureNames] } : {}),
    };
    return new IsolationForest(params, built);
  }

  /** Average path length E[h(x)] over the trees, with the c(size) adjustment at external nodes. */
  pathLength(row: number[]): number {
    checkRow(row, this.params.features, 'row');
    let total = 0;
    for (let t = 0; t < this.trees.length; t++) {
      const tree = this.trees[t];
      let node = 0;
      let depth = 0;
      for (;;) {
        const feature = tree[node * STRIDE];
        if (feature === LEAF) {
          total += depth + this.leafAdjust[t][node];
          break;
        }
        node = row[feature] < tree[node * STRIDE + 1] ? node + 1 : tree[node * STRIDE + 2];
        depth++;
      }
    }
    return total / this.trees.length;
  }

  /** s(x, ψ) = 2^(−E[h(x)] / c(ψ)): near 1 is anomalous, well below 0.5 is normal. */
  score(row: number[]): number {
    return 2 ** (-this.pathLength(row) / this.cPsi);
  }

  scoreMany(rows: number[][]): number[] {
    return rows.map((r) => this.score(r));
  }

  toJSON(): SerializedForest {
    return {
      format: FOREST_FORMAT,
      params: { ...this.params, ...(this.params.featureNames ? { featureNames: [...this.params.featureNames] } : {}) },
      trees: this.trees.map((t) => Array.from(t)),
    };
  }

  /** Loads a serialised forest, checking its shape so a corrupt model fails loudly at load time. */
  static fromJSON(json: unknown): IsolationForest {
    const fail = (why: string): never => {
      throw new Error(`not a serialized isolation forest: ${why}`);
    };
    if (typeof json === 'string') {
      try {
        json = JSON.parse(json);
      } catch {
        fail('text is not valid JSON');
      }
    }
    if (!isObject(json)) return fail('expected an object');
    if (json.format !== FOREST_FORMAT) return fail(`format must be "${FOREST_FORMAT}", got ${JSON.stringify(json.format)}`);
    const p = json.params;
    if (!isObject(p)) return fail('params missing');
    const posInt = (k: string, min: number) => {
      const v = p[k];
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) fail(`params.${k} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
      return v as number;
    };
    const trees = posInt('trees', 1);
    const sampleSize = posInt('sampleSize', 2);
    const psi = posInt('psi', 2);
    const heightLimit = posInt('heightLimit', 0);
    const features = posInt('features', 1);
    const trainingRows = posInt('trainingRows', psi);
    if (typeof p.seed !== 'number' || !Number.isFinite(p.seed)) fail('params.seed must be a number');
    if (psi > sampleSize) fail(`params.psi ${psi} exceeds sampleSize ${sampleSize}`);
    if (heightLimit !== Math.ceil(Math.log2(psi))) fail(`params.heightLimit ${heightLimit} does not match psi ${psi}`);
    let featureNames: string[] | undefined;
    if (p.featureNames !== undefined) {
      if (!Array.isArray(p.featureNames) || p.featureNames.length !== features || !p.featureNames.every((n) => typeof n === 'string')) {
        fail(`params.featureNames must be ${features} strings`);
      }
      featureNames = [...(p.featureNames as string[])];
    }
    if (!Array.isArray(json.trees)) return fail('trees must be an array');
    if (json.trees.length !== trees) fail(`params.trees says ${trees} but ${json.trees.length} trees are stored`);
    const loaded = json.trees.map((t, i) => validateTree(t, features, psi, heightLimit, `tree ${i}`, fail));
    const params: ForestParams = { trees, sampleSize, seed: p.seed as number, psi, heightLimit, features, trainingRows, ...(featureNames ? { featureNames } : {}) };
    return new IsolationForest(params, loaded);
  }
}

/** Convenience wrapper: `trainIsolationForest(rows, { trees, sampleSize, seed })`. */
export function trainIsolationForest(rows: number[][], options: TrainOptions): IsolationForest {
  return IsolationForest.train(rows, options);
}

function buildTree(sample: number[][], heightLimit: number, features: number, rng: Rng): Float64Array {
  const out: number[] = [];
  const candidates: number[] = [];
  const lo = new Float64Array(features);
  const hi = new Float64Array(features);

  const grow = (rows: number[][], depth: number): void => {
    const at = out.length;
    if (depth >= heightLimit || rows.length <= 1) {
      out.push(LEAF, rows.length, 0);
      return;
    }
    lo.fill(Infinity);
    hi.fill(-Infinity);
    for (const r of rows) {
      for (let f = 0; f < features; f++) {
        const v = r[f];
        if (v < lo[f]) lo[f] = v;
        if (v > hi[f]) hi[f] = v;
      }
    }
    // Only features that vary in this node can split it; if none do, the points are identical.
    candidates.length = 0;
    for (let f = 0; f < features; f++) if (hi[f] > lo[f]) candidates.push(f);
    if (candidates.length === 0) {
      out.push(LEAF, rows.length, 0);
      return;
    }
    const q = candidates[rng.int(candidates.length)];
    const min = lo[q];
    const max = hi[q];
    let p = min + rng.next() * (max - min);
    if (!(p > min)) p = min + (max - min) / 2; // p = min would send everything right; p > min keeps the split proper
    const left: number[][] = [];
    const right: number[][] = [];
    for (const r of rows) (r[q] < p ? left : right).push(r);
    out.push(q, p, 0);
    grow(left, depth + 1);
    out[at + 2] = out.length / STRIDE;
    grow(right, depth + 1);
  };
  grow(sample, 0);
  return Float64Array.from(out);
}

function validateTree(
  raw: unknown,
  features: number,
  psi: number,
  heightLimit: number,
  where: string,
  fail: (why: string) => never,
): Float64Array {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length % STRIDE !== 0) fail(`${where} must be a non-empty array of node triples`);
  const t = raw as unknown[];
  if (!t.every((v) => typeof v === 'number' && Number.isFinite(v))) fail(`${where} holds a value that is not a finite number`);
  const tree = Float64Array.from(t as number[]);
  const nodes = tree.length / STRIDE;
  // Walk the pre-order layout: each subtree must end exactly where its sibling starts, which
  // rules out cycles, overlaps and dangling indices.
  const walk = (node: number, depth: number): { end: number; size: number } => {
    if (node >= nodes) fail(`${where}: node ${node} is out of range`);
    if (depth > heightLimit) fail(`${where}: deeper than the height limit ${heightLimit}`);
    const f = tree[node * STRIDE];
    if (f === LEAF) {
      const size = tree[node * STRIDE + 1];
      if (!Number.isInteger(size) || size < 0 || size > psi) fail(`${where}: node ${node} has an invalid size ${size}`);
      return { end: node + 1, size };
    }
    if (!Number.isInteger(f) || f < 0 || f >= features) fail(`${where}: node ${node} splits on unknown feature ${f}`);
    const right = tree[node * STRIDE + 2];
    const l = walk(node + 1, depth + 1);
    if (right !== l.end) fail(`${where}: node ${node} points its right child at ${right}, expected ${l.end}`);
    const r = walk(right, depth + 1);
    return { end: r.end, size: l.size + r.size };
  };
  const root = walk(0, 0);
  if (root.end !== nodes) fail(`${where}: ${nodes - root.end} node(s) not reachable from the root`);
  if (root.size !== psi) fail(`${where}: holds ${root.size} training points, expected ψ = ${psi}`);
  return tree;
}

function checkRow(row: unknown, features: number, what: string): void {
  if (!Array.isArray(row) || row.length !== features) {
    throw new Error(`${what} must have ${features} features, got ${Array.isArray(row) ? row.length : typeof row}`);
  }
  for (let f = 0; f < features; f++) {
    if (typeof row[f] !== 'number' || !Number.isFinite(row[f])) throw new Error(`${what}: feature ${f} is not a finite number (${row[f]})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
