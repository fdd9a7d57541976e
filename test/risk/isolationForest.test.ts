import { describe, expect, it } from 'vitest';
import { averagePathLength, FOREST_FORMAT, IsolationForest, trainIsolationForest } from '../../risk/anomaly/isolationForest';
import { createRng } from '../../risk/random';

/** A 2-D Gaussian cloud plus a few far-away points. */
function cloud(seed: number, n = 600): { rows: number[][]; outliers: number[][] } {
  const rng = createRng(seed);
  const g = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const rows = Array.from({ length: n }, () => [g(), g() * 2, rng.int(3)]);
  const outliers = [
    [8, 0, 1],
    [0, 15, 1],
    [-7, -12, 2],
  ];
  return { rows: [...rows, ...outliers], outliers };
}

describe('c(n)', () => {
  it('follows Liu et al.: 2H(n−1) − 2(n−1)/n with H(i) ≈ ln i + γ', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });
});

describe('trainIsolationForest', () => {
  const { rows, outliers } = cloud(1);
  const forest = trainIsolationForest(rows, { trees: 100, sampleSize: 256, seed: 42 });

  it('records its parameters: ψ = min(sampleSize, n), height limit ⌈log2 ψ⌉', () => {
    expect(forest.params).toMatchObject({ trees: 100, sampleSize: 256, seed: 42, psi: 256, heightLimit: 8, features: 3, trainingRows: 603 });
    const small = trainIsolationForest(rows.slice(0, 100), { seed: 1 });
    expect(small.params).toMatchObject({ psi: 100, heightLimit: 7, trees: 100 });
  });

  it('scores far-away points as anomalies and the centre as normal', () => {
    const out = forest.scoreMany(outliers);
    for (const s of out) expect(s).toBeGreaterThan(0.65);
    const centre = forest.score([0, 0, 1]);
    expect(centre).toBeLessThan(0.5);
    for (const s of forest.scoreMany(rows)) {
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(1);
    }
  });

  it('same seed and data → identical scores', () => {
    const again = trainIsolationForest(rows, { trees: 100, sampleSize: 256, seed: 42 });
    expect(again.scoreMany(rows)).toEqual(forest.scoreMany(rows));
    expect(again.toJSON()).toEqual(forest.toJSON());
  });

  it('a different seed → different trees and scores', () => {
    const other = trainIsolationForest(rows, { trees: 100, sampleSize: 256, seed: 43 });
    expect(other.toJSON().trees).not.toEqual(forest.toJSON().trees);
    expect(other.scoreMany(rows)).not.toEqual(forest.scoreMany(rows));
  });

  it('skips features that are constant within a node', () => {
    const constant = rows.map((r) => [r[0], 5]);
    const f = trainIsolationForest(constant, { trees: 20, seed: 3 });
    for (const t of f.toJSON().trees) {
      for (let i = 0; i < t.length; i += 3) expect(t[i]).not.toBe(1);
    }
    // all points identical: every tree is a single external node holding ψ points
    const same = trainIsolationForest(Array.from({ length: 50 }, () => [1, 2]), { trees: 5, seed: 3 });
    expect(same.toJSON().trees.every((t) => t.length === 3 && t[0] === -1 && t[1] === 50)).toBe(true);
    expect(same.score([1, 2])).toBeCloseTo(0.5, 12); // E[h] = c(ψ)
  });

  it('rejects bad training input and rows of the wrong shape', () => {
    expect(() => trainIsolationForest([[1]], { seed: 1 })).toThrow(/at least 2/);
    expect(() => trainIsolationForest([[1, 2], [1]], { seed: 1 })).toThrow(/2 features/);
    expect(() => trainIsolationForest([[1], [NaN]], { seed: 1 })).toThrow(/finite/);
    expect(() => trainIsolationForest(rows, { seed: 1, trees: 0 })).toThrow(/trees/);
    expect(() => forest.score([1, 2])).toThrow(/3 features/);
  });
});

describe('serialisation', () => {
  const { rows } = cloud(2);
  const forest = trainIsolationForest(rows, { trees: 50, sampleSize: 128, seed: 7, featureNames: ['a', 'b', 'c'] });

  it('toJSON → JSON.stringify → parse → fromJSON gives identical scores', () => {
    const text = JSON.stringify(forest.toJSON());
    const loaded = IsolationForest.fromJSON(JSON.parse(text));
    expect(loaded.scoreMany(rows)).toEqual(forest.scoreMany(rows));
    expect(loaded.params).toEqual(forest.params);
    expect(JSON.stringify(loaded)).toBe(text);
    // a JSON string is accepted too
    expect(IsolationForest.fromJSON(text).score(rows[0])).toBe(forest.score(rows[0]));
  });

  it('is compact plain JSON with a version tag', () => {
    const json = forest.toJSON();
    expect(json.format).toBe(FOREST_FORMAT);
    expect(json.trees).toHaveLength(50);
    expect(json.params.featureNames).toEqual(['a', 'b', 'c']);
    expect(json.trees.every((t) => Array.isArray(t) && t.every((v) => typeof v === 'number'))).toBe(true);
  });

  it('rejects garbage with a clear error', () => {
    const good = forest.toJSON();
    const clone = () => JSON.parse(JSON.stringify(good));
    const cases: Array<[unknown, RegExp]> = [
      [null, /expected an object/],
      [42, /expected an object/],
      ['{not json', /not valid JSON/],
      [[], /expected an object/],
      [{ ...clone(), format: 'sklearn' }, /format must be/],
      [{ ...clone(), params: undefined }, /params missing/],
      [{ ...clone(), params: { ...clone().params, trees: 3 } }, /50 trees are stored/],
      [{ ...clone(), params: { ...clone().params, psi: 0 } }, /params.psi/],
      [{ ...clone(), params: { ...clone().params, heightLimit: 3 } }, /heightLimit/],
      [{ ...clone(), trees: 'x' }, /trees must be an array/],
    ];
    const badNode = clone();
    badNode.trees[0][0] = 9; // unknown feature
    cases.push([badNode, /unknown feature/]);
    const badIndex = clone();
    const t = badIndex.trees[1];
    t[2] = t.length; // right child out of range
    cases.push([badIndex, /right child|out of range/]);
    const truncated = clone();
    truncated.trees[2] = truncated.trees[2].slice(0, -3);
    cases.push([truncated, /tree 2/]);
    const nan = clone();
    nan.trees[3][1] = 'x';
    cases.push([nan, /not a finite number/]);
    for (const [input, message] of cases) {
      expect(() => IsolationForest.fromJSON(input), String(message)).toThrow(/not a serialized isolation forest/);
      expect(() => IsolationForest.fromJSON(input), String(message)).toThrow(message);
    }
  });
});

describe('scoring layouts', () => {
  /** The textbook walk over the serialised pre-order triples: the reference both layouts must match. */
  function referencePathLength(forest: IsolationForest, row: number[]): number {
    const { trees } = forest.toJSON();
    let total = 0;
    for (const tree of trees) {
      let node = 0;
      let depth = 0;
      while (tree[node * 3] !== -1) {
        node = row[tree[node * 3]] < tree[node * 3 + 1] ? node + 1 : tree[node * 3 + 2];
        depth++;
      }
      total += depth + averagePathLength(tree[node * 3 + 1]);
    }
    return total / trees.length;
  }

  it('the complete-tree walk (ψ ≤ 4096) and the pointer walk (larger ψ) give the textbook path lengths', () => {
    const { rows } = cloud(21, 5000);
    const small = trainIsolationForest(rows, { trees: 13, sampleSize: 256, seed: 4 }); // height 8: complete layout, 8 trees at a time + 5 alone
    const large = trainIsolationForest(rows, { trees: 3, sampleSize: 5000, seed: 4 }); // height 13: pointer walk
    expect(large.params.heightLimit).toBe(13);
    for (const forest of [small, large]) {
      for (const row of [...rows.slice(0, 200), [8, 0, 1], [0, 15, 1], [-1e9, 1e9, 0]]) {
        expect(forest.pathLength(row)).toBeCloseTo(referencePathLength(forest, row), 10);
      }
    }
  });

  it('the WebAssembly walk gives the JavaScript walk\'s path lengths and scores bit for bit', () => {
    const { rows } = cloud(23, 3000);
    const wide = rows.map((r, i) => [...r, r[0]! * r[1]!, i % 7, Math.sin(i), (i * 7919) % 1000, -r[2]!]); // 8 features, ties included
    const shapes = [
      { trees: 100, sampleSize: 256 }, // the production shape: 12 groups of 8 + 4 alone
      { trees: 13, sampleSize: 64 },
      { trees: 5, sampleSize: 2 }, // fewer trees than a group, height 1
      { trees: 16, sampleSize: 3 },
      { trees: 9, sampleSize: 4096 }, // the tallest complete layout (height 12)
    ];
    for (const data of [rows, wide]) {
      for (const shape of shapes) {
        const forest = trainIsolationForest(data, { ...shape, seed: 17 });
        const js = IsolationForest.fromJSON(forest.toJSON(), { wasm: false });
        expect([forest.usesWebAssembly, js.usesWebAssembly]).toEqual([true, false]);
        // every training row, the same rows far out, and the extremes
        const probes = [...data, ...data.slice(0, 300).map((r) => r.map((v) => v * 1e6)), data[0]!.map(() => 0), data[0]!.map(() => -1e300), data[0]!.map(() => 1e300)];
        let mismatches = 0;
        for (const row of probes) if (forest.pathLength(row) !== js.pathLength(row)) mismatches++;
        expect(mismatches, `${data[0]!.length} features, ${shape.trees} trees, ψ ${shape.sampleSize}`).toBe(0);
        const packed = new Float64Array(data.length * data[0]!.length);
        data.forEach((r, i) => packed.set(r, i * data[0]!.length));
        expect(forest.scoreMany(packed)).toEqual(js.scoreMany(packed));
        // and both stay with the textbook walk
        for (const row of data.slice(0, 50)) expect(forest.pathLength(row)).toBeCloseTo(referencePathLength(forest, row), 10);
      }
    }
  });

  it('scores rows packed in one Float64Array exactly as the same rows given as arrays', () => {
    const { rows } = cloud(22);
    const forest = trainIsolationForest(rows, { trees: 50, sampleSize: 128, seed: 9 });
    const packed = new Float64Array(rows.length * 3);
    rows.forEach((r, i) => packed.set(r, i * 3));
    expect(forest.scoreMany(packed)).toEqual(forest.scoreMany(rows));
    expect(() => forest.scoreMany(packed.subarray(0, 7))).toThrow(/multiple of 3 features/);
    packed[4] = NaN;
    expect(() => forest.scoreMany(packed)).toThrow(/not a finite number/);
  });
});
