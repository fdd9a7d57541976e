// The input rules themselves (boundary/inputRules.ts), without I/O: what is refused, and why.
import { describe, expect, it } from 'vitest';
import {
  COUNTRY_CODES,
  CURRENCY_CODES,
  DEFAULT_INPUT_LIMITS,
  checkTransaction,
  controlCharacterIn,
  findControlCharacter,
  multiLineText,
  singleLineText,
  transactionSchema,
} from '../../boundary/inputRules';
import { ConfigError, loadConfig } from '../../config';
import { loadInputConfig } from '../../config/input';

const good = {
  transactionRef: 'T-1',
  customerId: 'C-1',
  accountId: 'A-1',
  amount: '2500.00',
  currency: 'KES',
  type: 'purchase',
  channel: 'pos',
  merchantId: null,
  merchantName: 'Naivas',
  city: 'Nairobi',
  country: 'KE',
  occurredAt: '2026-11-20T07:15:00Z',
};

describe('control characters', () => {
  it('finds NUL and the other C0/C1 controls; notes keep line breaks and tabs', () => {
    expect(controlCharacterIn('Nai\u0000robi')).toBe('U+0000 at position 3');
    expect(controlCharacterIn('a\u001bb')).toBe('U+001B at position 1');
    expect(controlCharacterIn('a\u0085b')).toBe('U+0085 at position 1');
    expect(controlCharacterIn('line one\nline two\tend')).toBe('U+000A at position 8');
    expect(controlCharacterIn('line one\r\nline two\tend', true)).toBeNull();
    expect(controlCharacterIn('ok \u0000', true)).toBe('U+0000 at position 3');
    expect(controlCharacterIn('Ünïcødé — Nairobi 🇰🇪')).toBeNull();
  });

  it('one-line fields refuse line breaks, notes keep them, neither keeps a NUL', () => {
    expect(singleLineText(100).safeParse('Nairobi').success).toBe(true);
    expect(singleLineText(100).safeParse('Nai\nrobi').error?.issues[0]?.message).toMatch(/control characters \(U\+000A/);
    expect(multiLineText(100).safeParse('first\nsecond\tthird').data).toBe('first\nsecond\tthird');
    expect(multiLineText(100).safeParse('bad\u0000note').error?.issues[0]?.message).toMatch(/other than line breaks and tabs \(U\+0000 at position 3\)/);
  });

  it('finds a control character anywhere in a JSON value, keys included, and names the path', () => {
    expect(findControlCharacter({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: ['a', 1, 'c'], found: 'U+0000 at position 1' });
    expect(findControlCharacter({ 'k\u0001': 1 })?.path).toEqual(['k\u0001']);
    expect(findControlCharacter({ note: 'a\nb', n: 5, ok: true, nothing: null })).toBeNull();
  });
});

describe('codes from the maintained lists', () => {
  it('ISO 4217: real currencies yes; XXX, XTS, metals and made-up codes no', () => {
    for (const code of ['KES', 'USD', 'EUR', 'UGX', 'TZS', 'XOF', 'JPY']) expect(CURRENCY_CODES.has(code), code).toBe(true);
    for (const code of ['ZZZ', 'XXX', 'XTS', 'XAU', 'XBA', 'ABC']) expect(CURRENCY_CODES.has(code), code).toBe(false);
    expect(CURRENCY_CODES.size).toBeGreaterThan(150);
  });

  it('ISO 3166-1 alpha-2: KE, GB, US yes; ZZ, XX no', () => {
    for (const code of ['KE', 'GB', 'US', 'TZ', 'UG']) expect(COUNTRY_CODES.has(code), code).toBe(true);
    for (const code of ['ZZ', 'XX', 'AA', 'EU']) expect(COUNTRY_CODES.has(code), code).toBe(false);
    expect(COUNTRY_CODES.size).toBeGreaterThan(240);
  });
});

describe('a transaction', () => {
  const now = () => Date.parse('2026-12-03T06:00:00Z');
  const schema = transactionSchema(DEFAULT_INPUT_LIMITS, now);
  const refusal = (override: Record<string, unknown>) => {
    const r = schema.safeParse({ ...good, ...override });
    return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  };

  it('takes an everyday purchase, normalising the amount', () => {
    expect(schema.parse(good)).toMatchObject({ amount: '2500.00', currency: 'KES', merchantId: null });
  });

  it.each([
    ['NUL in merchantName', { merchantName: 'Shop\u0000' }, /^merchantName: must not contain control characters \(U\+0000/],
    ['NUL in city', { city: '\u0000Nairobi' }, /^city: must not contain control/],
    ['NUL in customerId', { customerId: 'C\u00001' }, /^customerId: must not contain control/],
    ['ESC in accountId', { accountId: 'A\u001b[31m' }, /^accountId: must not contain control/],
    ['year 1', { occurredAt: '0001-01-01T00:00:00Z' }, /^occurredAt: must lie between 2000-01-01T00:00:00.000Z and 2026-12-04T06:00:00.000Z/],
    ['1999', { occurredAt: '1999-12-31T23:59:59Z' }, /^occurredAt: must lie between/],
    ['two days ahead', { occurredAt: '2026-12-05T06:00:00Z' }, /^occurredAt: must lie between/],
    ['ZZZ', { currency: 'ZZZ' }, /^currency: is not an ISO 4217 currency code/],
    ['XXX', { currency: 'XXX' }, /^currency: is not an ISO 4217/],
    ['ZZ', { country: 'ZZ' }, /^country: is not an ISO 3166-1 alpha-2/],
    ['10,000,000,000,000 KES', { amount: '10000000000000' }, /^amount: must be at most 1000000000$/],
  ])('refuses %s', (_what, override, message) => {
    expect(refusal(override)).toMatch(message);
  });

  it('takes the edges of the window and the ceiling', () => {
    expect(refusal({ occurredAt: '2000-01-01T00:00:00Z' })).toBeNull();
    expect(refusal({ occurredAt: '2026-12-04T05:59:59Z' })).toBeNull();
    expect(refusal({ amount: '1000000000.00' })).toBeNull();
  });

  it('checkTransaction names the first field at fault, as the warehouse check needs it', () => {
    expect(checkTransaction({ ...good, currency: 'ZZZ' }, DEFAULT_INPUT_LIMITS)).toEqual({ ok: false, field: 'currency', reason: 'currency: is not an ISO 4217 currency code' });
    expect(checkTransaction({ ...good, city: null }, DEFAULT_INPUT_LIMITS)).toMatchObject({ ok: false, field: 'city', reason: 'city: must not be null' });
    expect(checkTransaction(good, DEFAULT_INPUT_LIMITS)).toMatchObject({ ok: true, transaction: { city: 'Nairobi' } });
  });
});

describe('configuration', () => {
  it('defaults: from 2000-01-01, one day ahead, at most 1,000,000,000', () => {
    expect(loadInputConfig({})).toEqual({ occurredAtEarliest: new Date('2000-01-01T00:00:00Z'), occurredAtMaxAheadMs: 86_400_000, amountMax: '1000000000' });
  });

  it('reads the window and the ceiling, and the core configuration carries them', () => {
    const input = loadInputConfig({ INPUT_OCCURRED_AT_EARLIEST: '2020-01-01', INPUT_OCCURRED_AT_MAX_AHEAD: '2h', INPUT_AMOUNT_MAX: '5000000.50' });
    expect(input).toEqual({ occurredAtEarliest: new Date('2020-01-01T00:00:00Z'), occurredAtMaxAheadMs: 7_200_000, amountMax: '5000000.50' });
    expect(loadConfig({ INPUT_AMOUNT_MAX: '250' }).input.amountMax).toBe('250');
    const schema = transactionSchema(input);
    expect(schema.safeParse({ ...good, amount: '5000000.51' }).error?.issues[0]?.message).toBe('must be at most 5000000.50');
  });

  it('stops start-up on a bad value, naming the variable', () => {
    expect(() => loadInputConfig({ INPUT_AMOUNT_MAX: 'lots' })).toThrow(ConfigError);
    expect(() => loadInputConfig({ INPUT_AMOUNT_MAX: 'lots' })).toThrow(/INPUT_AMOUNT_MAX/);
    expect(() => loadInputConfig({ INPUT_OCCURRED_AT_EARLIEST: 'yesterday' })).toThrow(/INPUT_OCCURRED_AT_EARLIEST/);
    expect(() => loadInputConfig({ INPUT_OCCURRED_AT_EARLIEST: '2999-01-01' })).toThrow(/INPUT_OCCURRED_AT_EARLIEST: must lie in the past/);
    expect(() => loadInputConfig({ INPUT_OCCURRED_AT_MAX_AHEAD: 'soon' })).toThrow(/INPUT_OCCURRED_AT_MAX_AHEAD/);
  });
});
