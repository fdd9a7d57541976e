// Isolation Forest after Liu, Ting & Zhou, "Isolation Forest" (ICDM 2008).
// Anomalies are few and different, so random axis-parallel splits isolate them in fewer steps:
// the shorter the average path to a point, the more anomalous it is.
//
// Trees are stored as flat arrays in pre-order, three numbers per node, so that a forest
// serialises to compact plain JSON and scoring is a tight loop:
//   internal node: [feature, splitValue, indexOfRightChild]   (left child is the next node)
//   external node: [-1, size, 0]
import { createRng, type Rng } from '../random';
import { compileWalk, type WasmWalk } from './forestWasm';

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
/** Up to this height limit (ψ ≤ 4096) trees are also kept in the complete layout (see below). */
const COMPLETE_LAYOUT_MAX_HEIGHT = 12;

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
  // Scoring layout: every tree's nodes side by side in three typed arrays, so that a walk from the
  // root touches only numbers (no per-tree objects, no depth counter). For a leaf, `value` holds
  // its whole contribution, depth + c(size); for a split, the split value.
  private readonly feature: Int32Array;
  private readonly value: Float64Array;
  private readonly right: Int32Array;
  private readonly roots: Int32Array;
  // The same trees padded to complete binary trees of the height limit H (when H is small): a
  // walk is then exactly H steps of index arithmetic, child = 2·node + 1 + (x ≥ split), with no
  // data-dependent branch for the processor to mispredict. A leaf above depth H becomes a chain
  // of splits at +∞ that always go left, ending at a bottom slot holding the leaf's contribution.
  private readonly complete: { height: number; feature: Int32Array; split: Float64Array; leaf: Float64Array } | null;
  // The complete layout's walk compiled to WebAssembly (forestWasm.ts), the same sum bit for bit;
  // null where WebAssembly is unavailable, and then the JavaScript walk below does it.
  private readonly wasm: WasmWalk | null;

  private constructor(
    readonly params: ForestParams,
    private readonly trees: Float64Array[],
    options: { wasm?: boolean } = {},
  ) {
    this.cPsi = averagePathLength(params.psi);
    const total = trees.reduce((n, t) => n + t.length / STRIDE, 0);
    this.feature = new Int32Array(total);
    this.value = new Float64Array(total);
    this.right = new Int32Array(total);
    this.roots = new Int32Array(trees.length);
    let base = 0;
    trees.forEach((t, i) => {
      this.roots[i] = base;
      const depth = new Int32Array(t.length / STRIDE); // pre-order: a child's depth is set before it is visited
      for (let n = 0; n < t.length / STRIDE; n++) {
        const f = t[n * STRIDE];
        const at = base + n;
        if (f === LEAF) {
          this.feature[at] = LEAF;
          this.value[at] = depth[n] + averagePathLength(t[n * STRIDE + 1]);
        } else {
          const r = t[n * STRIDE + 2];
          this.feature[at] = f;
          this.value[at] = t[n * STRIDE + 1];
          this.right[at] = base + r;
          depth[n + 1] = depth[n] + 1;
          depth[r] = depth[n] + 1;
        }
      }
      base += t.length / STRIDE;
    });
    this.complete = params.heightLimit <= COMPLETE_LAYOUT_MAX_HEIGHT ? this.completeLayout(params.heightLimit) : null;
    this.wasm = this.complete && options.wasm !== false ? compileWalk(this.complete, trees.length, params.features) : null;
  }

  private completeLayout(height: number) {
    const inner = 2 ** height - 1;
    const feature = new Int32Array(this.roots.length * inner);
    const split = new Float64Array(this.roots.length * inner).fill(Infinity);
    const leaf = new Float64Array(this.roots.length * (inner + 1));
    for (let t = 0; t < this.roots.length; t++) {
      const place = (node: number, pos: number, depth: number): void => {
        if (depth === height) {
          leaf[t * (inner + 1) + pos - inner] = this.value[node]; // a leaf: the height limit stops every path here
          return;
        }
        if (this.feature[node] === LEAF) {
          place(node, 2 * pos + 1, depth + 1); // split at +∞: always left
          return;
        }
        feature[t * inner + pos] = this.feature[node];
        split[t * inner + pos] = this.value[node];
        place(node + 1, 2 * pos + 1, depth + 1);
        place(this.right[node], 2 * pos + 2, depth + 1);
      };
      place(this.roots[t], 0, 0);
    }
    return { height, feature, split, leaf };
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

  /** Whether the walk runs as WebAssembly (forestWasm.ts) rather than JavaScript. */
  get usesWebAssembly(): boolean {
    return this.wasm !== null;
  }

  /** Average path length E[h(x)] over the trees, with the c(size) adjustment at external nodes. */
  pathLength(row: ArrayLike<number>): number {
    checkRow(row, this.params.features, 'row');
    return this.walk(row, 0);
  }

  /** Sum over the trees of the path length of the row at `offset` in `x` (unchecked). */
  private walk(x: ArrayLike<number>, offset: number): number {
    const wasm = this.wasm;
    if (wasm) {
      const row = wasm.x;
      for (let f = 0; f < row.length; f++) row[f] = x[offset + f];
      return wasm.sum() / this.roots.length;
    }
    if (this.complete) return this.walkComplete(x, offset);
    const { feature, value, right, roots } = this;
    let total = 0;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f !== LEAF) {
        node = x[offset + f] < value[node] ? node + 1 : right[node];
        f = feature[node];
      }
      total += value[node];
    }
    return total / roots.length;
  }

  // Eight trees at a time: their walks do not depend on each other, so the processor overlaps
  // their memory loads instead of waiting for one walk's next node before fetching another's
  // (measured: 2.5–3× the rows per CPU second of one walk at a time).
  private walkComplete(x: ArrayLike<number>, offset: number): number {
    const { height, feature, split, leaf } = this.complete!;
    const inner = 2 ** height - 1;
    const slots = inner + 1;
    const trees = this.roots.length;
    let total = 0;
    let t = 0;
    for (; t + 8 <= trees; t += 8) {
      const b0 = (t + 0) * inner, b1 = (t + 1) * inner, b2 = (t + 2) * inner, b3 = (t + 3) * inner, b4 = (t + 4) * inner, b5 = (t + 5) * inner, b6 = (t + 6) * inner, b7 = (t + 7) * inner;
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
      for (let d = 0; d < height; d++) {
        p0 = 2 * p0 + 1 + +(x[offset + feature[b0 + p0]] >= split[b0 + p0]);
        p1 = 2 * p1 + 1 + +(x[offset + feature[b1 + p1]] >= split[b1 + p1]);
        p2 = 2 * p2 + 1 + +(x[offset + feature[b2 + p2]] >= split[b2 + p2]);
        p3 = 2 * p3 + 1 + +(x[offset + feature[b3 + p3]] >= split[b3 + p3]);
        p4 = 2 * p4 + 1 + +(x[offset + feature[b4 + p4]] >= split[b4 + p4]);
        p5 = 2 * p5 + 1 + +(x[offset + feature[b5 + p5]] >= split[b5 + p5]);
        p6 = 2 * p6 + 1 + +(x[offset + feature[b6 + p6]] >= split[b6 + p6]);
        p7 = 2 * p7 + 1 + +(x[offset + feature[b7 + p7]] >= split[b7 + p7]);
      }
      const l = t * slots - inner; // bottom slots of tree t start at t·slots, positions at inner
      total += leaf[l + p0] + leaf[l + 1 * slots + p1] + leaf[l + 2 * slots + p2] + leaf[l + 3 * slots + p3] + leaf[l + 4 * slots + p4] + leaf[l + 5 * slots + p5] + leaf[l + 6 * slots + p6] + leaf[l + 7 * slots + p7];
    }
    for (; t < trees; t++) {
      const base = t * inner;
      let pos = 0;
      for (let d = 0; d < height; d++) {
        const at = base + pos;
        pos = 2 * pos + 1 + +(x[offset + feature[at]] >= split[at]);
      }
      total += leaf[t * slots + pos - inner];
    }
    return total / trees;
  }

  /** s(x, ψ) = 2^(−E[h(x)] / c(ψ)): near 1 is anomalous, well below 0.5 is normal. */
  score(row: ArrayLike<number>): number {
    return 2 ** (-this.pathLength(row) / this.cPsi);
  }

  /** Scores many rows: given as arrays, or packed row after row in one Float64Array. */
  scoreMany(rows: ReadonlyArray<ArrayLike<number>> | Float64Array): number[] {
    const features = this.params.features;
    if (rows instanceof Float64Array) {
      if (rows.length % features !== 0) throw new Error(`packed rows: length ${rows.length} is not a multiple of ${features} features`);
      checkRow(rows, rows.length, 'packed rows');
      const out = new Array<number>(rows.length / features);
      for (let i = 0; i < out.length; i++) out[i] = 2 ** (-this.walk(rows, i * features) / this.cPsi);
      return out;
    }
    return rows.map((r) => this.score(r));
  }

  toJSON(): SerializedForest {
    return {
      format: FOREST_FORMAT,
      params: { ...this.params, ...(this.params.featureNames ? { featureNames: [...this.params.featureNames] } : {}) },
      trees: this.trees.map((t) => Array.from(t)),
    };
  }

  /**
   * Loads a serialised forest, checking its shape so a corrupt model fails loudly at load time.
   * `wasm: false` keeps the walk in JavaScript (the tests compare the two).
   */
  static fromJSON(json: unknown, options: { wasm?: boolean } = {}): IsolationForest {
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
    return new IsolationForest(params, loaded, options);
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
  const r = row as ArrayLike<unknown>;
  if (!(Array.isArray(row) || row instanceof Float64Array) || r.length !== features) {
    throw new Error(`${what} must have ${features} features, got ${Array.isArray(row) || row instanceof Float64Array ? r.length : typeof row}`);
  }
  for (let f = 0; f < features; f++) {
    // Number.isFinite is false for anything that is not a number, so one test covers both
    if (!Number.isFinite(r[f])) throw new Error(`${what}: feature ${f} is not a finite number (${String(r[f])})`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
