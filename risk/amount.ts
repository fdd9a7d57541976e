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
let lastNumber = NaN;

/** Validates the amount (throws like parseDecimal) and returns Number(amount). */
function validAmount(amount: string): number {
  if (amount !== lastValid) {
    // plain digits with an optional sign and fraction pass without the regular expression
    if (!isPlainDecimal(amount)) parseDecimal(amount, 'amount');
    lastNumber = Number(amount);
    lastValid = amount;
  }
  return lastNumber;
}

/** Exactly DECIMAL for a string without surrounding spaces: [+-]?\d+(\.\d+)? */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === 43 || first === 45) i = 1;
  const start = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i === n) return true;
  if (s.charCodeAt(i) !== 46) return false;
  const frac = ++i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  return i === n && i > frac;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Sign of (amount − threshold), computed exactly. */
export function compareAmount(amount: string, threshold: number): -1 | 0 | 1 {
  const x = validAmount(amount);
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
  return validAmount(amount);
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
  if (isPlainDecimal(text)) return formatPlain(text);
  const m = DECIMAL.exec(text);
  if (!m) return text;
  const whole = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1] === '-' ? '-' : ''}${whole}${frac ? `.${frac.padEnd(2, '0')}` : ''}`;
}

/** formatKes of a string that isPlainDecimal accepted, without regular expressions (same text). */
function formatPlain(text: string): string {
  const n = text.length;
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 43 || sign === 45) i = 1;
  let dot = text.indexOf('.', i);
  if (dot < 0) dot = n;
  // leading zeros go, but not the last digit before the point
  while (i < dot - 1 && text.charCodeAt(i) === 48) i++;
  let out = sign === 45 ? '-' : '';
  const len = dot - i;
  const group = len % 3 || 3;
  out += text.slice(i, i + group);
  for (let k = i + group; k < dot; k += 3) out += ',' + text.slice(k, k + 3);
  if (dot < n) {
    let end = n;
    while (end > dot + 1 && text.charCodeAt(end - 1) === 48) end--;
    if (end > dot + 1) {
      out += end - dot - 1 === 1 ? text.slice(dot, end) + '0' : text.slice(dot, end);
    }
  }
  return out;
}

function numberText(n: number): string {
  return Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-6) ? n.toFixed(2) : String(n);
}
