import { describe, expect, it } from 'vitest';
import { amountToNumber, compareAmount, formatKes } from '../../risk/amount';

/** formatKes as it was written first, with regular expressions: the reference for the fast path. */
function formatKesReference(amount: string | number): string {
  const text = typeof amount === 'number' ? (Math.abs(amount) >= 1e21 || (amount !== 0 && Math.abs(amount) < 1e-6) ? amount.toFixed(2) : String(amount)) : amount.trim();
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const whole = m[2]!.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1] === '-' ? '-' : ''}${whole}${frac ? `.${frac.padEnd(2, '0')}` : ''}`;
}

describe('amounts', () => {
  it('formats amounts as before, digit by digit', () => {
    const texts = ['0', '0.00', '7', '12', '123', '1234', '12345', '123456', '1234567', '12500000.50', '12500000.5', '10000000.00', '10000000.01', '0007.10', '-1234.5', '+99.999', '000', '1.', '.5', '1e5', ' 42.00 ', '12,500', 'abc', '', '-0', '1000000000000000000000.001'];
    for (let i = 0; i < 500; i++) texts.push(`${Math.floor(Math.random() * 10 ** (1 + (i % 12)))}${i % 3 ? `.${String(i % 100).padStart(2, '0')}` : ''}`);
    for (const t of texts) expect(formatKes(t), JSON.stringify(t)).toBe(formatKesReference(t));
    for (const n of [0, 1, 999, 1000, 2_500_000, 10_000_000, 0.5, 1234.25, 1e21, 1e-7]) expect(formatKes(n), String(n)).toBe(formatKesReference(n));
  });

  it('validates every amount it reads, remembered or not', () => {
    expect(amountToNumber('1500.25')).toBe(1500.25);
    expect(amountToNumber('1500.25')).toBe(1500.25);
    for (const bad of ['1.', '.5', '1e5', '12,500', '', 'abc', '+', '-.1']) {
      expect(() => amountToNumber(bad), bad).toThrow(/is not a decimal number/);
      expect(() => compareAmount(bad, 1), bad).toThrow(/is not a decimal number/);
    }
    expect(compareAmount(' 10000000.00 ', 10_000_000)).toBe(0);
    expect(compareAmount('10000000.01', 10_000_000)).toBe(1);
    expect(compareAmount('-3', 0)).toBe(-1);
  });
});
