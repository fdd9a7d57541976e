import { describe, expect, it } from 'vitest';
import { anomalyPoints, levelFor, RULESET_VERSION, scoreTransaction } from '../../risk/score';
import { context, defaultPolicy, txn } from './helpers';

const policy = defaultPolicy();

describe('exact cut-offs', () => {
  it('0.4 + 0.3 + 0.1 is HIGH (the old engine’s floats gave 0.7999… and MEDIUM)', () => {
    expect(0.4 + 0.3 + 0.1).toBeLessThan(0.8); // the bug being fixed
    // the bank's old weights, configured as fractions exactly as an operator would
    const old = defaultPolicy({ RULE_AMOUNT_HIGH_WEIGHT: '0.4', RULE_BLACKLIST_WEIGHT: '0.3', RULE_OFF_HOURS_WEIGHT: '0.1' });
    const t = txn({ amount: '12000000', merchantId: 'M-90001', merchantName: 'Pesa Mingi Investment Club', occurredAt: '2026-03-01T21:00:00Z' });
    const ctx = context({ blacklistedMerchant: { merchantId: 'M-90001', reason: 'pyramid scheme' } });
    const b = scoreTransaction(t, ctx, old, null);
    expect(b.rules.filter((r) => r.hit).map((r) => [r.rule, r.points])).toEqual([
      ['amount', 4000],
      ['blacklist', 3000],
      ['offHours', 1000],
    ]);
    expect(b.points).toBe(8000);
    expect(b.score).toBe(0.8);
    expect(b.level).toBe('high');
  });

  it('levels at their thresholds', () => {
    const th = policy.levels;
    expect(levelFor(th.high, th)).toBe('high');
    expect(levelFor(th.high - 1, th)).toBe('medium');
    expect(levelFor(th.medium, th)).toBe('medium');
    expect(levelFor(th.medium - 1, th)).toBe('low');
    expect(levelFor(0, th)).toBe('low');
  });

  it('caps the total at 1.0', () => {
    const t = txn({ amount: '50000000', type: 'transfer', channel: 'online', country: 'NG', city: 'Lagos', occurredAt: '2026-03-01T22:00:00Z', merchantName: 'Unknown Ltd' });
    const ctx = context({ blacklistedMerchant: { merchantId: 'M-1', reason: 'x' } }, { recentCount: 10 });
    const b = scoreTransaction(t, ctx, policy, { modelVersion: 3, score: 0.9 });
    expect(b.points).toBe(10_000);
    expect(b.score).toBe(1);
    expect(b.rules.reduce((s, r) => s + r.points, 0) + b.anomaly.points).toBeGreaterThan(10_000);
  });
});

describe('anomaly contribution', () => {
  const a = { ...policy.anomaly, points: 3000, threshold: 0.55, saturation: 0.7 }; // fixed here, whatever the defaults

  it('ramps from nothing at the threshold to the full weight at saturation', () => {
    expect(anomalyPoints(0.2, a)).toBe(0);
    expect(anomalyPoints(0.5499, a)).toBe(0);
    expect(anomalyPoints(0.55, a)).toBe(0);
    expect(anomalyPoints(0.625, a)).toBe(1500);
    expect(anomalyPoints(0.6, a)).toBe(1000);
    expect(anomalyPoints(0.7, a)).toBe(3000);
    expect(anomalyPoints(0.95, a)).toBe(3000);
    for (let s = 0.55; s < 0.7; s += 0.0037) {
      const p = anomalyPoints(s, a);
      expect(Number.isInteger(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(3000);
    }
  });

  it('a clear outlier moves the level: medium rules + saturated anomaly → high', () => {
    // foreign in a country used before (0.25) + elevated amount (0.2) + online above 2M (0.15) = 0.6 → medium alone
    const t = txn({ amount: '3000000', channel: 'online', type: 'purchase', country: 'AE', city: 'Dubai' });
    const ctx = context({}, { knownCountries: ['KE', 'AE'] });
    expect(scoreTransaction(t, ctx, policy, null).level).toBe('medium');
    const b = scoreTransaction(t, ctx, policy, { modelVersion: 7, score: 0.74 });
    expect(b.anomaly).toMatchObject({ enabled: true, modelVersion: 7, score: 0.74, points: 5000, contribution: 0.5 });
    expect(b.points).toBe(10000); // capped
    expect(b.level).toBe('high');
    expect(b.modelVersion).toBe(`rules/${RULESET_VERSION}+iforest/7`);
    expect(b.anomaly.detail).toContain('0.740');
  });

  it('a clear outlier alone makes a case: nothing else fired, saturated anomaly → medium', () => {
    const t = txn();
    expect(scoreTransaction(t, context(), policy, null).level).toBe('low');
    const b = scoreTransaction(t, context(), policy, { modelVersion: 7, score: 0.7 });
    expect(b.level).toBe('medium');
  });

  it('no model: nothing added, said plainly', () => {
    const b = scoreTransaction(txn(), context(), policy, null);
    expect(b.anomaly).toMatchObject({ enabled: true, modelVersion: null, score: null, points: 0 });
    expect(b.anomaly.detail).toMatch(/no trained anomaly model/);
    expect(b.modelVersion).toBe(`rules/${RULESET_VERSION}+no-model`);
  });

  it('disabled: nothing added even for an outlier', () => {
    const off = defaultPolicy({ ANOMALY_ENABLED: 'false' });
    const b = scoreTransaction(txn(), context(), off, { modelVersion: 2, score: 0.99 });
    expect(b.anomaly).toMatchObject({ enabled: false, points: 0, contribution: 0 });
    expect(b.anomaly.detail).toMatch(/switched off/);
    expect(b.modelVersion).toBe(`rules/${RULESET_VERSION}+no-model`);
  });

  it('below the threshold the detail says nothing was added', () => {
    const b = scoreTransaction(txn(), context(), policy, { modelVersion: 1, score: 0.42 });
    expect(b.anomaly.points).toBe(0);
    expect(b.anomaly.detail).toBe(`anomaly score 0.420 is below ${policy.anomaly.threshold}: adds nothing`);
  });
});

describe('breakdown', () => {
  it('is plain data with the thresholds used', () => {
    const b = scoreTransaction(txn(), context(), policy, { modelVersion: 1, score: 0.4 });
    expect(b.thresholds).toEqual({ medium: 5000, high: 8000 });
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
    expect(b).toMatchObject({ score: 0, points: 0, level: 'low' });
  });
});
