// Valuing another currency in KES: exact to the cent, and said plainly in the breakdown.
import { describe, expect, it } from 'vitest';
import { multiplyDecimals } from '../../risk/amount';
import { convertToKes, needsConversion } from '../../risk/fx';
import { localDate } from '../../risk/time';
import { txn } from './helpers';

describe('multiplyDecimals', () => {
  it('is exact and rounds half away from zero at the cent', () => {
    expect(multiplyDecimals('1000.00', '129.456789', 2)).toBe('129456.79');
    expect(multiplyDecimals('0.10', '0.05', 2)).toBe('0.01'); // 0.005 → 0.01
    expect(multiplyDecimals('0.10', '0.04', 2)).toBe('0.00');
    expect(multiplyDecimals('-0.10', '0.05', 2)).toBe('-0.01');
    expect(multiplyDecimals('123456789012.34', '150.123456', 2)).toBe('18533759833195.31') // beyond float precision;
    expect(multiplyDecimals('7', '3', 2)).toBe('21.00');
  });
});

describe('convertToKes', () => {
  const rate = { currency: 'USD', rateDate: '2026-11-20', kesPerUnit: '129.456789', source: 'CBK mean rate' };

  it('values the amount in KES and says how', () => {
    const { transaction, fx } = convertToKes(txn({ amount: '80000.00', currency: 'usd' }), rate);
    expect(transaction).toMatchObject({ amount: '10356543.12', currency: 'KES' });
    expect(fx).toEqual({
      currency: 'USD',
      amount: '80000.00',
      kesPerUnit: '129.456789',
      rateDate: '2026-11-20',
      source: 'CBK mean rate',
      amountKes: '10356543.12',
      detail: '80,000 USD at 129.456789 KES per USD (rate of 2026-11-20, CBK mean rate) = 10,356,543.12 KES',
    });
  });

  it('refuses a rate for another currency', () => {
    expect(() => convertToKes(txn({ currency: 'EUR' }), rate)).toThrow('a USD rate cannot value a EUR amount');
  });

  it('KES needs no conversion, whatever its spelling', () => {
    expect(needsConversion({ currency: 'KES' })).toBe(false);
    expect(needsConversion({ currency: ' kes' })).toBe(false);
    expect(needsConversion({ currency: 'USD' })).toBe(true);
  });

  it('the rate date is the local date in the bank’s zone', () => {
    expect(localDate('2026-11-20T20:59:59Z', 'Africa/Nairobi')).toBe('2026-11-20');
    expect(localDate('2026-11-20T21:00:00Z', 'Africa/Nairobi')).toBe('2026-11-21');
  });
});
