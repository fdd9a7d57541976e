// The rules that judge a transaction against the customer's own behaviour, case by case, with the
// sentence each one leaves in the breakdown. Default policy, no anomaly model.
import { describe, expect, it } from 'vitest';
import { buildProfile } from '../../risk/profile';
import { scoreTransaction } from '../../risk/score';
import type { RuleResult, ScoreBreakdown } from '../../risk/types';
import { context, defaultPolicy, txn } from './helpers';

const policy = defaultPolicy();
const MIN = 60_000;

function rule(b: ScoreBreakdown, name: string): RuleResult {
  const r = b.rules.find((x) => x.rule === name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

const noHistory = { historyCount: 0, medianAmount: null, knownCities: [], homeCity: null, knownCountries: [], recentAt: [] };

describe('a first-seen country', () => {
  // 00:00 UTC is 03:00 in Nairobi
  const dubai = txn({ amount: '40000.00', type: 'withdrawal', channel: 'atm', merchantId: null, merchantName: null, city: 'Dubai', country: 'AE', occurredAt: '2026-03-02T00:00:00Z' });

  it('a 40,000 KES ATM withdrawal in Dubai at 03:00 by a customer with no history is a case, and says why', () => {
    const b = scoreTransaction(dubai, context({}, noHistory), policy, null);
    expect(b.level).toBe('medium');
    expect(b.points).toBe(5500);
    expect(rule(b, 'location').detail).toBe('transaction in Dubai, AE: outside KE, the first in AE for a customer without history: +0.45');
    expect(rule(b, 'offHours').detail).toBe('03:00 in Africa/Nairobi is within off-hours 23:00–06:00');
  });

  it('the same for a Nairobi customer with history who has never been to AE', () => {
    const b = scoreTransaction(dubai, context(), policy, null);
    expect(b.level).toBe('medium');
    expect(rule(b, 'location').detail).toBe('transaction in Dubai, AE: outside KE, the first in AE for this customer (usually Nairobi): +0.45');
  });

  it('a customer already transacting in AE (a trip) gets the smaller foreign weight', () => {
    const b = scoreTransaction(dubai, context({}, { knownCountries: ['KE', 'AE'] }), policy, null);
    expect(rule(b, 'location').points).toBe(2500);
    expect(b.level).toBe('low');
  });
});

describe('amount against the customer’s own median', () => {
  // profile: 20 earlier transactions, median 3,000 KES
  it('a transfer of 15× the median is a case on its own', () => {
    const b = scoreTransaction(txn({ amount: '45000.00', type: 'transfer', channel: 'mobile', merchantId: null, merchantName: null }), context(), policy, null);
    expect(rule(b, 'customerAmount')).toMatchObject({ hit: true, points: 5000 });
    expect(rule(b, 'customerAmount').detail).toBe(
      "transfer of 45,000 KES is 15.0× the customer's median of 3,000 KES over 20 earlier transactions, at or above 10×: medium risk on its own",
    );
    expect(b.level).toBe('medium');
  });

  it('10× exactly hits; just below does not', () => {
    const at = (amount: string) => rule(scoreTransaction(txn({ amount, type: 'payment' }), context(), policy, null), 'customerAmount');
    expect(at('30000.00').hit).toBe(true);
    const below = at('29999.00');
    expect(below.hit).toBe(false);
    expect(below.detail).toBe("payment of 29,999 KES is 10.0× the customer's median of 3,000 KES over 20 earlier transactions, below 10×");
  });

  it('money coming in (a deposit) is not judged', () => {
    const r = rule(scoreTransaction(txn({ amount: '300000.00', type: 'deposit', channel: 'branch' }), context(), policy, null), 'customerAmount');
    expect(r.hit).toBe(false);
    expect(r.detail).toBe('a deposit is not one of: transfer, payment');
  });

  it('not judged with too little history', () => {
    const r = rule(scoreTransaction(txn({ amount: '300000.00', type: 'transfer' }), context({}, { historyCount: 4 }), policy, null), 'customerAmount');
    expect(r.hit).toBe(false);
    expect(r.detail).toBe("4 earlier transaction(s), fewer than 5 needed to judge the amount against the customer's own");
  });
});

describe('a burst of transactions within minutes', () => {
  const now = Date.parse('2026-03-02T09:00:00Z');
  const t = txn({ amount: '4000.00', type: 'transfer', channel: 'mobile', merchantId: null, merchantName: null, occurredAt: new Date(now).toISOString() });

  it('the third transaction within 5 minutes is a case', () => {
    const b = scoreTransaction(t, context({}, { recentAt: [now - 1 * MIN, now - 3 * MIN] }), policy, null);
    expect(rule(b, 'burst')).toMatchObject({ hit: true, points: 5000, detail: '2 earlier transaction(s) in the last 5 minutes, at or above 2: medium risk on its own' });
    expect(b.level).toBe('medium');
  });

  it('the second is not, nor are older ones', () => {
    const b = scoreTransaction(t, context({}, { recentAt: [now - 1 * MIN, now - 6 * MIN, now - 30 * MIN] }), policy, null);
    expect(rule(b, 'burst')).toMatchObject({ hit: false, detail: '1 earlier transaction(s) in the last 5 minutes, below 2' });
    expect(b.level).toBe('low');
  });
});

describe('repeated activity at night', () => {
  // 22:20 UTC is 01:20 in Nairobi
  const t = txn({ amount: '6000.00', type: 'withdrawal', channel: 'agent', merchantId: null, merchantName: null, occurredAt: '2026-03-01T22:20:00Z' });
  const now = Date.parse(t.occurredAt);

  it('a second transaction at night within the hour is a case, with both times', () => {
    const b = scoreTransaction(t, context({}, { recentAt: [now - 30 * MIN] }), policy, null);
    expect(rule(b, 'nightRepeat')).toMatchObject({ hit: true, points: 4000 });
    expect(rule(b, 'nightRepeat').detail).toBe('1 earlier transaction(s) at night (23:00–06:00) in the last 60 minutes (00:50), then this one at 01:20');
    expect(rule(b, 'offHours').hit).toBe(true);
    expect(b.points).toBe(5000);
    expect(b.level).toBe('medium');
  });

  it('across midnight: 23:40 then 00:10', () => {
    const late = txn({ occurredAt: '2026-03-01T21:10:00Z' }); // 00:10
    const b = scoreTransaction(late, context({}, { recentAt: [Date.parse('2026-03-01T20:40:00Z')] }), policy, null);
    expect(rule(b, 'nightRepeat').hit).toBe(true);
  });

  it('an earlier transaction before the night window does not count', () => {
    const early = txn({ occurredAt: '2026-03-01T20:10:00Z' }); // 23:10
    const b = scoreTransaction(early, context({}, { recentAt: [Date.parse('2026-03-01T19:40:00Z')] }), policy, null); // 22:40
    expect(rule(b, 'nightRepeat')).toMatchObject({ hit: false, detail: '0 earlier transaction(s) at night (23:00–06:00) in the last 60 minutes, below 1' });
  });

  it('a single night transaction is only off-hours (LOW)', () => {
    const b = scoreTransaction(t, context(), policy, null);
    expect(rule(b, 'nightRepeat').hit).toBe(false);
    expect(b.level).toBe('low');
  });

  it('daytime repeats are not night activity', () => {
    const day = txn({ occurredAt: '2026-03-02T09:00:00Z' });
    const r = rule(scoreTransaction(day, context({}, { recentAt: [Date.parse('2026-03-02T08:50:00Z')] }), policy, null), 'nightRepeat');
    expect(r).toMatchObject({ hit: false, detail: '12:00 is outside the night window 23:00–06:00' });
  });
});

describe('the profile behind these rules', () => {
  it('lists the countries used and the last day’s transaction times, newest first', () => {
    const now = txn({ occurredAt: '2026-03-02T10:00:00Z' });
    const p = buildProfile(
      [
        { occurredAt: '2026-02-20T10:00:00Z', amount: '100', city: 'London', country: 'gb' },
        { occurredAt: '2026-03-02T09:58:00Z', amount: '100', city: 'Nairobi', country: 'KE' },
        { occurredAt: '2026-03-02T09:50:00Z', amount: '100', city: 'Nairobi', country: 'KE' },
        { occurredAt: '2026-03-01T09:59:00Z', amount: '100', city: 'Nairobi', country: 'KE' }, // 24 h + 1 min ago
      ],
      now,
      60,
    );
    expect(p.knownCountries).toEqual(['KE', 'GB']);
    expect(p.recentAt).toEqual([Date.parse('2026-03-02T09:58:00Z'), Date.parse('2026-03-02T09:50:00Z')]);
    expect(p.recentCount).toBe(2);
  });
});
