// The isolation forest's complete-layout walk as a small WebAssembly function, assembled here for
// each loaded forest (its sizes and array offsets are constants in the code, the tree height is
// unrolled). The walk is the largest share of scoring a transaction, and it is bound by the number
// of instructions per tree level, not by memory: in JavaScript every level pays bounds checks on
// three typed-array reads; WebAssembly's reads need none. No bytes are downloaded or shipped: the
// module is written below, opcode by opcode, from the WebAssembly 1.0 core specification.
//
// It gives bit-for-bit the sum the JavaScript walk (IsolationForest's walkComplete) gives: the
// same comparisons (x ≥ split), the same leaf values, added in the same order — eight trees at a
// time, ((((l0 + l1) + l2) + …) + l7) added to the running total, then the remaining trees one by
// one. test/risk/isolationForest.test.ts holds the two to exact equality.

export interface CompleteLayout {
  height: number;
  /** per tree, `inner` = 2^height − 1 split nodes in breadth-first order: feature index */
  feature: Int32Array;
  /** … and split value (+∞ on the padding that always goes left) */
  split: Float64Array;
  /** per tree, 2^height bottom slots: the path length contribution of the leaf that ends there */
  leaf: Float64Array;
}

export interface WasmWalk {
  /** the row goes here before `sum()` */
  x: Float64Array;
  /** sum over the trees of the path length of the row in `x` */
  sum: () => number;
}

const GROUP = 8;

/** The walk for a forest's complete layout; null where WebAssembly is not available. */
export function compileWalk(layout: CompleteLayout, trees: number, features: number): WasmWalk | null {
  if (typeof WebAssembly !== 'object' || trees < 1) return null;
  const { height, feature, split, leaf } = layout;
  const inner = 2 ** height - 1;
  const slots = inner + 1;
  // memory: the row, then the features (as byte offsets into the row), the splits, the leaves
  const xOff = 0;
  const featOff = align8(features * 8);
  const splitOff = align8(featOff + trees * inner * 4);
  const leafOff = splitOff + trees * inner * 8;
  const bytes = leafOff + trees * slots * 8;
  const pages = Math.max(1, Math.ceil(bytes / 65_536));

  const code = assembleWalk({ trees, inner, slots, height, featOff, splitOff, leafOff });
  const module = new WebAssembly.Module(moduleBytes(code, pages));
  const instance = new WebAssembly.Instance(module, {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const featureOffsets = new Int32Array(memory.buffer, featOff, trees * inner);
  for (let i = 0; i < feature.length; i++) featureOffsets[i] = xOff + feature[i] * 8;
  new Float64Array(memory.buffer, splitOff, trees * inner).set(split);
  new Float64Array(memory.buffer, leafOff, trees * slots).set(leaf);
  return { x: new Float64Array(memory.buffer, xOff, features), sum: instance.exports.walk as () => number };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

// Opcodes (WebAssembly 1.0).
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Const: 0x41,
  f64Const: 0x44,
  i32LtU: 0x49,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f64Add: 0xa0,
  voidType: 0x40,
  i32: 0x7f,
  f64: 0x7c,
} as const;

// Locals: t (first tree of the group), ls (t·slots − inner), a (a node's index), p0…p7 (each
// tree's position), total.
const T = 0;
const LS = 1;
const A = 2;
const P = 3;
const TOTAL = P + GROUP;

interface Shape {
  trees: number;
  inner: number;
  slots: number;
  height: number;
  featOff: number;
  splitOff: number;
  leafOff: number;
}

function assembleWalk(s: Shape): number[] {
  const out: number[] = [];
  const emit = (...b: number[]) => out.push(...b);
  const i32 = (v: number) => emit(OP.i32Const, ...sleb(v));
  const get = (l: number) => emit(OP.localGet, l);
  const set = (l: number) => emit(OP.localSet, l);

  // One level of one tree: p = 2p + 1 + (x[feature[a]] ≥ split[a]), a = base + p; `base` is a
  // local (the group's first tree) plus a constant, or only a constant.
  const level = (p: number, baseLocal: number | null, baseConst: number) => {
    get(p);
    i32(1);
    emit(OP.i32Shl);
    i32(1);
    emit(OP.i32Add);
    get(p);
    if (baseLocal !== null) {
      get(baseLocal);
      emit(OP.i32Add);
    }
    if (baseConst !== 0) {
      i32(baseConst);
      emit(OP.i32Add);
    }
    emit(OP.localTee, A);
    i32(2);
    emit(OP.i32Shl);
    emit(OP.i32Load, 2, ...uleb(s.featOff)); // the feature's byte offset in the row
    emit(OP.f64Load, 3, ...uleb(0)); // x[feature]
    get(A);
    i32(3);
    emit(OP.i32Shl);
    emit(OP.f64Load, 3, ...uleb(s.splitOff));
    emit(OP.f64Ge);
    emit(OP.i32Add);
    set(p);
  };

  const groups = Math.floor(s.trees / GROUP);
  if (groups > 0) {
    emit(OP.loop, OP.voidType);
    for (let i = 0; i < GROUP; i++) {
      i32(0);
      set(P + i);
    }
    get(T);
    i32(s.inner);
    emit(OP.i32Mul);
    set(LS); // LS = t·inner while walking
    for (let d = 0; d < s.height; d++) for (let i = 0; i < GROUP; i++) level(P + i, LS, i * s.inner);
    get(T);
    i32(s.slots);
    emit(OP.i32Mul);
    i32(s.inner);
    emit(0x6b); // i32.sub
    set(LS); // LS = t·slots − inner: tree t + i's bottom slot p is leaf[LS + i·slots + p]
    get(TOTAL);
    for (let i = 0; i < GROUP; i++) {
      get(LS);
      get(P + i);
      emit(OP.i32Add);
      i32(3);
      emit(OP.i32Shl);
      emit(OP.f64Load, 3, ...uleb(s.leafOff + i * s.slots * 8));
      if (i > 0) emit(OP.f64Add);
    }
    emit(OP.f64Add);
    set(TOTAL);
    get(T);
    i32(GROUP);
    emit(OP.i32Add);
    emit(OP.localTee, T);
    i32(groups * GROUP);
    emit(OP.i32LtU);
    emit(OP.brIf, 0);
    emit(OP.end);
  }
  for (let t = groups * GROUP; t < s.trees; t++) {
    i32(0);
    set(P);
    for (let d = 0; d < s.height; d++) level(P, null, t * s.inner);
    get(TOTAL);
    get(P);
    i32(3);
    emit(OP.i32Shl);
    emit(OP.f64Load, 3, ...uleb(s.leafOff + (t * s.slots - s.inner) * 8));
    emit(OP.f64Add);
    set(TOTAL);
  }
  get(TOTAL);
  emit(OP.end);
  return out;
}

function moduleBytes(code: number[], pages: number): Uint8Array<ArrayBuffer> {
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const name = (text: string) => [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
  const locals = [2, ...uleb(TOTAL), OP.i32, 1, OP.f64]; // two runs: TOTAL i32 locals, one f64
  const body = [...locals, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 0, 1, OP.f64]), // types: () → f64
    ...section(3, [1, 0]), // functions: one, of type 0
    ...section(5, [1, 0x00, ...uleb(pages)]), // memory: one, `pages` pages, no maximum
    ...section(7, [2, ...name('walk'), 0x00, 0, ...name('memory'), 0x02, 0]), // exports
    ...section(10, [1, ...uleb(body.length), ...body]), // code
  ]);
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
