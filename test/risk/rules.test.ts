import { describe, expect, it } from 'vitest';
import { evaluateRules, inWindow, containsWord, RULE_ORDER } from '../../risk/rules';
import { scoreTransaction } from '../../risk/score';
import type { RulePolicy, RuleResult } from '../../risk/types';
import { context, defaultPolicy, txn } from './helpers';

const policy = defaultPolicy();
const rules = policy.rules;

function rule(results: RuleResult[], name: string): RuleResult {
  const r = results.find((x) => x.rule === name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

function run(t = txn(), ctx = context(), p: RulePolicy = rules) {
  return evaluateRules(t, ctx, p, policy.levels);
}

describe('evaluateRules: shape', () => {
  it('reports every rule once, in a stable order, with labels', () => {
    const results = run();
    expect(results.map((r) => r.rule)).toEqual([...RULE_ORDER]);
    for (const r of results) {
      expect(r.label.length).toBeGreaterThan(0);
      expect(r.detail.length).toBeGreaterThan(0);
      expect(r.contribution).toBe(r.points / 10_000);
    }
  });

  it('an ordinary daytime purchase in the home city hits nothing', () => {
    const results = run();
    expect(results.filter((r) => r.hit)).toEqual([]);
    expect(results.every((r) => r.points === 0)).toBe(true);
  });
});

describe('amount rule', () => {
  it('10,000,000.00 exactly is not above the high limit', () => {
    const r = rule(run(txn({ amount: '10000000.00' })), 'amount');
    expect(r.hit).toBe(true); // still above the elevated limit
    expect(r.points).toBe(rules.amount.elevatedPoints);
  });

  it('10,000,000.01 is HIGH on its own', () => {
    const t = txn({ amount: '10000000.01' });
    const r = rule(run(t), 'amount');
    expect(r.points).toBe(8000);
    expect(r.detail).toBe('amount 10,000,000.01 KES is above 10,000,000 KES: high risk on its own');
    expect(scoreTransaction(t, context(), policy, null).level).toBe('high');
  });

  it('explains in the bank’s words', () => {
    expect(rule(run(txn({ amount: '12500000' })), 'amount').detail).toBe('amount 12,500,000 KES is above 10,000,000 KES: high risk on its own');
  });

  it('elevated band: above 1,000,000 up to 10,000,000', () => {
    expect(rule(run(txn({ amount: '1000000.00' })), 'amount').hit).toBe(false);
    const r = rule(run(txn({ amount: '1000000.01' })), 'amount');
    expect(r).toMatchObject({ hit: true, points: 2000 });
  });

  it('small amounts do not hit', () => {
    const r = rule(run(txn({ amount: '999.99' })), 'amount');
    expect(r).toMatchObject({ hit: false, points: 0 });
    expect(r.detail).toContain('999.99 KES is not above 1,000,000 KES');
  });

  it('rejects an amount that is not a decimal', () => {
    expect(() => run(txn({ amount: '12,000' }))).toThrow(/not a decimal/);
  });
});

describe('blacklist rule', () => {
  it('hits for a blacklisted merchant, naming the reason', () => {
    const ctx = context({ blacklistedMerchant: { merchantId: 'M-90001', reason: 'pyramid scheme' } });
    const r = rule(run(txn({ merchantId: 'M-90001', merchantName: 'Pesa Mingi Investment Club' }), ctx), 'blacklist');
    // An explicit blacklist hit is a case on its own (0.50 = MEDIUM), unlike the old substring rule.
    expect(r).toMatchObject({ hit: true, points: 5000 });
    expect(r.detail).toContain('pyramid scheme');
  });

  it('Shell Kenya, a fuel retailer, is neither blacklisted nor a keyword hit', () => {
    const results = run(txn({ merchantId: 'M-10005', merchantName: 'Shell Kenya' }));
    expect(rule(results, 'blacklist').hit).toBe(false);
    expect(rule(results, 'merchantKeyword').hit).toBe(false);
  });

  it('does not hit without a merchant', () => {
    expect(rule(run(txn({ merchantId: null, merchantName: null })), 'blacklist')).toMatchObject({ hit: false, detail: 'no merchant on this transaction' });
  });
});

describe('merchant keyword rule', () => {
  it('matches whole words, case-insensitively, as its own rule', () => {
    const r = rule(run(txn({ merchantName: 'UNKNOWN Traders Ltd' })), 'merchantKeyword');
    expect(r).toMatchObject({ hit: true, points: 1000 });
    expect(r.detail).toBe('merchant name "UNKNOWN Traders Ltd" contains the word "unknown"');
  });

  it('does not match inside another word', () => {
    expect(rule(run(txn({ merchantName: 'Unknownville Stores' })), 'merchantKeyword').hit).toBe(false);
    const withShell = { ...rules, merchantKeyword: { ...rules.merchantKeyword, keywords: ['shell'] } };
    expect(rule(run(txn({ merchantName: 'Shellfish Grill' }), context(), withShell), 'merchantKeyword').hit).toBe(false);
    // if a bank does configure "shell", the match is reported under the keyword rule, not the blacklist
    const shell = run(txn({ merchantName: 'Shell Kenya' }), context(), withShell);
    expect(rule(shell, 'merchantKeyword').hit).toBe(true);
    expect(rule(shell, 'blacklist').hit).toBe(false);
  });

  it('containsWord handles multi-word keywords and punctuation', () => {
    expect(containsWord('Cash-Out Agent', 'cash out')).toBe(false);
    expect(containsWord('Quick cash  out', 'cash out')).toBe(true);
    expect(containsWord('(suspicious)', 'suspicious')).toBe(true);
  });
});

describe('type × amount rule', () => {
  it('hits a transfer above 5,000,000', () => {
    expect(rule(run(txn({ type: 'transfer', amount: '5000000.01' })), 'typeAmount')).toMatchObject({ hit: true, points: 2000 });
  });
  it('not at exactly 5,000,000, nor for a purchase', () => {
    expect(rule(run(txn({ type: 'payment', amount: '5000000' })), 'typeAmount').hit).toBe(false);
    expect(rule(run(txn({ type: 'purchase', amount: '9000000' })), 'typeAmount').hit).toBe(false);
  });
});

describe('location rule', () => {
  it('foreign country the customer has used before', () => {
    const r = rule(run(txn({ country: 'GB', city: 'London' }), context({}, { knownCountries: ['KE', 'GB'] })), 'location');
    expect(r).toMatchObject({ hit: true, points: 2500 });
    expect(r.detail).toBe('transaction in London, GB: outside KE, in a country the customer has used before');
  });
  it('a country the customer has never used weighs more', () => {
    const r = rule(run(txn({ country: 'gb', city: 'London' })), 'location');
    expect(r).toMatchObject({ hit: true, points: 4500 });
    expect(r.detail).toBe('transaction in London, GB: outside KE, the first in GB for this customer (usually Nairobi): +0.45');
  });
  it('every country is new to a customer without history', () => {
    const r = rule(run(txn({ country: 'AE', city: 'Dubai' }), context({}, { historyCount: 0, medianAmount: null, knownCities: [], homeCity: null, knownCountries: [] })), 'location');
    expect(r).toMatchObject({ hit: true, points: 4500 });
    expect(r.detail).toContain('the first in AE for a customer without history');
  });
  it('a city the customer has never used, given enough history', () => {
    const r = rule(run(txn({ city: 'Garissa' })), 'location');
    expect(r).toMatchObject({ hit: true, points: 1000 });
    expect(r.detail).toContain('Garissa is new for this customer');
  });
  it('not with too little history to judge', () => {
    expect(rule(run(txn({ city: 'Garissa' }), context({}, { historyCount: 4 })), 'location').hit).toBe(false);
  });
  it('not in a known city (case-insensitive)', () => {
    expect(rule(run(txn({ city: 'thika' })), 'location').hit).toBe(false);
  });
});

describe('off-hours rule (Africa/Nairobi)', () => {
  it('20:30 UTC is 23:30 in Nairobi: off-hours', () => {
    const r = rule(run(txn({ occurredAt: '2026-03-01T20:30:00Z' })), 'offHours');
    expect(r).toMatchObject({ hit: true, points: 1000 });
    expect(r.detail).toBe('23:30 in Africa/Nairobi is within off-hours 23:00–06:00');
  });
  it('window edges: 22:59 and 06:00 are not; 05:59 is', () => {
    expect(rule(run(txn({ occurredAt: '2026-03-01T19:59:00Z' })), 'offHours').hit).toBe(false);
    expect(rule(run(txn({ occurredAt: '2026-03-02T03:00:00Z' })), 'offHours').hit).toBe(false);
    expect(rule(run(txn({ occurredAt: '2026-03-02T02:59:00Z' })), 'offHours').hit).toBe(true);
  });
  it('reads an offset timestamp in the bank’s zone too', () => {
    expect(rule(run(txn({ occurredAt: '2026-03-02T01:15:00+01:00' })), 'offHours').detail).toContain('03:15');
  });
  it('a window that does not wrap midnight', () => {
    const p = { ...rules, offHours: { ...rules.offHours, startHour: 1, endHour: 5 } };
    expect(rule(run(txn({ occurredAt: '2026-03-02T00:00:00Z' }), context(), p), 'offHours').hit).toBe(true); // 03:00
    expect(rule(run(txn({ occurredAt: '2026-03-02T02:00:00Z' }), context(), p), 'offHours').hit).toBe(false); // 05:00
    expect(inWindow(0, 1, 5)).toBe(false);
    expect(inWindow(4, 4, 4)).toBe(false);
  });
});

describe('channel rule', () => {
  it('online above 2,000,000', () => {
    expect(rule(run(txn({ channel: 'online', amount: '2000000.01' })), 'channel')).toMatchObject({ hit: true, points: 1500 });
    expect(rule(run(txn({ channel: 'online', amount: '2000000.00' })), 'channel').hit).toBe(false);
  });
  it('any weighted channel, e.g. ATM above 200,000', () => {
    expect(rule(run(txn({ channel: 'atm', type: 'withdrawal', amount: '250000' })), 'channel')).toMatchObject({ hit: true, points: 1000 });
  });
  it('a channel without a weight never hits', () => {
    const r = rule(run(txn({ channel: 'branch', amount: '9000000' })), 'channel');
    expect(r).toMatchObject({ hit: false, detail: 'no weight configured for the branch channel' });
  });
});

describe('velocity rule', () => {
  it('hits at the limit', () => {
    const r = rule(run(txn(), context({}, { recentCount: 5 })), 'velocity');
    expect(r).toMatchObject({ hit: true, points: 1500 });
    expect(r.detail).toContain('5 earlier transaction(s) in the last 60 minutes');
  });
  it('not below it', () => {
    expect(rule(run(txn(), context({}, { recentCount: 4 })), 'velocity').hit).toBe(false);
  });
});

describe('disabled rules', () => {
  it('are reported with hit=false and detail "disabled"', () => {
    const off = Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, { ...v, enabled: false }])) as unknown as RulePolicy;
    const t = txn({ amount: '50000000', type: 'transfer', channel: 'online', country: 'NG', city: 'Lagos', occurredAt: '2026-03-01T22:00:00Z', merchantName: 'Suspicious Ltd' });
    const ctx = context({ blacklistedMerchant: { merchantId: 'M-1', reason: 'x' } }, { recentCount: 99 });
    const results = evaluateRules(t, ctx, off);
    expect(results).toHaveLength(RULE_ORDER.length);
    for (const r of results) expect(r).toMatchObject({ hit: false, points: 0, contribution: 0, detail: 'disabled' });
    // and through the config flags
    const p = defaultPolicy({ RULE_AMOUNT_ENABLED: 'false' });
    expect(rule(evaluateRules(t, ctx, p.rules), 'amount').detail).toBe('disabled');
  });
});
