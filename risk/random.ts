// A small seeded PRNG (xoshiro128** seeded through splitmix32). Scoring, training and the data
// generator must be reproducible from a seed, so Math.random() is never used.

/** Uniform float in [0, 1) plus helpers, all drawn from one deterministic stream. */
export interface Rng {
  /** uniform in [0, 1) with 53 bits of precision */
  next(): number;
  /** raw 32-bit unsigned integer */
  nextUint32(): number;
  /** integer in [0, n) */
  int(n: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Mixes any number of integers or strings into one 32-bit seed, so that independent streams
 * (per customer, per tree, ...) can be derived from one configured seed.
 */
export function deriveSeed(...parts: Array<number | string>): number {
  // FNV-1a over a canonical text form: simple, stable across platforms.
  let h = 0x811c9dc5;
  const text = parts.map((p) => (typeof p === 'number' ? `n${p}` : `s${p}`)).join('|');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  // Seeds above 2^32 (e.g. 2^40) keep their high bits instead of being silently truncated.
  const lo = Math.trunc(seed) >>> 0;
  const hi = Math.floor(Math.trunc(seed) / 4294967296) >>> 0;
  const sm = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => {
    const hi27 = nextUint32() >>> 5;
    const lo26 = nextUint32() >>> 6;
    return (hi27 * 67108864 + lo26) / 9007199254740992;
  };
  return {
    next,
    nextUint32,
    int: (n: number) => Math.floor(next() * n),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
