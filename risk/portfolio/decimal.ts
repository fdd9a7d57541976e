// Exact decimal arithmetic for the portfolio models. Money is held as integer cents (bigint) and
// rates and ratios as integers at a fixed scale, so sums and cut-offs never pass through a float.

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** `text` as an integer at `scale` decimal places ("12.5", 2 → 1250n). More places than `scale` is an error. */
export function toUnits(text: string | number, scale: number, what = 'value'): bigint {
  const s = String(text).trim();
  const m = DECIMAL.exec(s);
  if (!m) throw new Error(`${what} "${s}" is not a decimal number`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`${what} "${s}" has more than ${scale} decimal places`);
  const units = BigInt(m[2]! + frac.padEnd(scale, '0'));
  return m[1] === '-' ? -units : units;
}

/** Integer cents of a KES (or any currency) amount. */
export function toCents(text: string | number, what = 'amount'): bigint {
  return toUnits(text, 2, what);
}

/** An integer at `scale` places back to a decimal string (1250n, 2 → "12.50"). */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

export function formatCents(cents: bigint): string {
  return formatUnits(cents, 2);
}

/** n / d rounded half away from zero (d ≠ 0). */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new Error('division by zero');
  if (d < 0n) return divRound(-n, -d);
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** n / d rounded towards −∞ (d > 0). */
export function divFloor(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new Error('divisor must be positive');
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** n / d rounded towards +∞ (d > 0). */
export function divCeil(n: bigint, d: bigint): bigint {
  return -divFloor(-n, d);
}

export const max = (...xs: bigint[]): bigint => xs.reduce((a, b) => (b > a ? b : a));
export const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (b < a ? b : a));
export const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** A non-negative exact ratio num/den (den > 0). */
export interface Ratio {
  num: bigint;
  den: bigint;
}

export function ratio(num: bigint, den: bigint): Ratio {
  if (den <= 0n) throw new Error('a ratio needs a positive denominator');
  return { num, den };
}

/** The ratio as a decimal string with `places` decimals, rounded half away from zero. */
export function formatRatio(r: Ratio, places = 6): string {
  return formatUnits(divRound(r.num * 10n ** BigInt(places), r.den), places);
}

/** Sign of (r − threshold), exactly; the threshold is a decimal string. */
export function compareRatio(r: Ratio, threshold: string): -1 | 0 | 1 {
  const t = parseExact(threshold);
  const left = r.num * t.pow;
  const right = t.units * r.den;
  return left === right ? 0 : left > right ? 1 : -1;
}

/** A decimal string as units over a power of ten, whatever its number of places. */
export function parseExact(text: string): { units: bigint; pow: bigint } {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a decimal number`);
  const frac = m[3] ?? '';
  const units = BigInt(m[2]! + frac) * (m[1] === '-' ? -1n : 1n);
  return { units, pow: 10n ** BigInt(frac.length) };
}

/** threshold × factor, both decimal strings, exactly (e.g. "0.10" × "2" = "0.20"). */
export function multiplyDecimals(a: string, b: string): string {
  const x = parseExact(a);
  const y = parseExact(b);
  const places = x.pow.toString().length - 1 + (y.pow.toString().length - 1);
  return trimZeros(formatUnits(x.units * y.units, places));
}

/** "1.500000" → "1.5", "2.000" → "2". */
export function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
