// Exact decimal handling of amounts. Amounts are decimal strings (never floats in storage), and
// the rule cut-offs must be exact: 10,000,000.00 is not above 10,000,000; 10,000,000.01 is.

interface Decimal {
  /** the value times 10^scale */
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

function parseDecimal(text: string, what: string): Decimal {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`${what} "${text}" is not a decimal number`);
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
  return { units, scale: frac.length };
}

/** A configured threshold (a JS number) as an exact decimal of its shortest printed form. */
function numberToDecimal(n: number): Decimal {
  if (!Number.isFinite(n)) throw new Error(`threshold ${n} is not a finite number`);
  // toString is non-exponential for |n| in [1e-6, 1e21), which covers any KES amount.
  const text = Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-6) ? n.toFixed(6) : String(n);
  return parseDecimal(text, 'threshold');
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Validates an amount string and returns it unchanged; throws a clear error otherwise. */
export function assertAmount(amount: string): string {
  parseDecimal(amount, 'amount');
  return amount;
}

// Scoring compares one transaction's amount with several thresholds: the last amount validated is
// remembered, and a comparison whose floating-point difference is far beyond rounding error is
// answered from the numbers; only a near tie is worked out exactly.
let lastValid = '';

function validAmount(amount: string): void {
  if (amount === lastValid) return;
  parseDecimal(amount, 'amount');
  lastValid = amount;
}

/** Sign of (amount − threshold), computed exactly. */
export function compareAmount(amount: string, threshold: number): -1 | 0 | 1 {
  validAmount(amount);
  const x = Number(amount);
  // both sides are within 2^-52 (relative) of their decimals, so a gap of 1e-12 relative is real
  const gap = x - threshold;
  if (Number.isFinite(gap) && Math.abs(gap) > 1e-12 * Math.max(Math.abs(x), Math.abs(threshold))) return gap > 0 ? 1 : -1;
  return compareExactly(amount, threshold);
}

function compareExactly(amount: string, threshold: number): -1 | 0 | 1 {
  const a = parseDecimal(amount, 'amount');
  const b = numberToDecimal(threshold);
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x > y ? 1 : x < y ? -1 : 0;
}

export function isAbove(amount: string, threshold: number): boolean {
  return compareAmount(amount, threshold) > 0;
}

/** The amount as a JS number, for statistics and model features (not for cut-offs). */
export function amountToNumber(amount: string): number {
  validAmount(amount);
  return Number(amount);
}

/**
 * a × b, exact, rounded half away from zero to `places` decimals: "1000.00" × "129.456789" at 2
 * places is "129456.79". For currency conversion, where a float would drift at the cent.
 */
export function multiplyDecimals(a: string, b: string, places: number): string {
  const x = parseDecimal(a, 'amount');
  const y = parseDecimal(b, 'rate');
  let units = x.units * y.units;
  const scale = x.scale + y.scale;
  if (scale > places) {
    const div = 10n ** BigInt(scale - places);
    const negative = units < 0n;
    const abs = negative ? -units : units;
    let q = abs / div;
    if ((abs % div) * 2n >= div) q += 1n;
    units = negative ? -q : q;
  } else {
    units *= 10n ** BigInt(places - scale);
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${frac}` : ''}`;
}

/** "12500000.50" → "12,500,000.50"; whole amounts lose their ".00". */
export function formatKes(amount: string | number): string {
  const text = typeof amount === 'number' ? numberText(amount) : amount.trim();
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const whole = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1] === '-' ? '-' : ''}${whole}${frac ? `.${frac.padEnd(2, '0')}` : ''}`;
}

function numberText(n: number): string {
  return Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-6) ? n.toFixed(2) : String(n);
}
