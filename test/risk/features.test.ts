import { describe, expect, it } from 'vitest';
import { anomalyFeatures, buildTrainingMatrix, FEATURE_NAMES } from '../../risk/anomaly/features';
import { buildProfile } from '../../risk/profile';
import { generateHistory, toTransaction } from '../../warehouse/generator';
import { profile, txn } from './helpers';

const TZ = 'Africa/Nairobi';

describe('anomalyFeatures', () => {
  it('one value per feature name, all finite', () => {
    const f = anomalyFeatures(txn(), profile(), TZ);
    expect(f).toHaveLength(FEATURE_NAMES.length);
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it('describes the transaction relative to the customer', () => {
    const named = (t = txn(), p = profile()) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, anomalyFeatures(t, p, TZ)[i]]));
    const base = named();
    expect(base.log_amount).toBeCloseTo(Math.log1p(2500), 12);
    expect(base.log_amount_vs_median).toBeCloseTo(Math.log1p(2500) - Math.log1p(3000), 12);
    expect(base.foreign).toBe(0);
    expect(base.new_city).toBe(0);
    // 12:00 local → angle π
    expect(base.hour_sin).toBeCloseTo(0, 12);
    expect(base.hour_cos).toBeCloseTo(-1, 12);
    expect(named(txn({ country: 'GB', city: 'London' })).foreign).toBe(1);
    expect(named(txn({ city: 'Kisumu' })).new_city).toBe(1);
    expect(named(txn(), profile({ historyCount: 0, medianAmount: null, knownCities: [], homeCity: null })).log_amount_vs_median).toBe(0);
    expect(named(txn(), profile({ historyCount: 0, medianAmount: null, knownCities: [], homeCity: null })).new_city).toBe(0);
    expect(named(txn(), profile({ recentCount: 7 })).recent_count).toBe(7);
    // appended after the first nine, so older models read their columns unchanged
    expect(FEATURE_NAMES.slice(9)).toEqual(['first_seen_country', 'burst_count']);
    expect(base.first_seen_country).toBe(0);
    expect(named(txn({ country: 'GB', city: 'London' })).first_seen_country).toBe(1);
    expect(named(txn({ country: 'GB', city: 'London' }), profile({ knownCountries: ['KE', 'GB'] })).first_seen_country).toBe(0);
    const at = Date.parse(txn().occurredAt);
    expect(named(txn(), profile({ recentAt: [at - 60_000, at - 4 * 60_000, at - 6 * 60_000] })).burst_count).toBe(2);
  });
});

describe('buildTrainingMatrix', () => {
  const rows = generateHistory({ seed: 11, customers: 20, days: 10, endAt: '2026-03-01T00:00:00Z' });
  const transactions = rows.map(toTransaction);

  it('gives each row exactly the features live scoring would compute', () => {
    const matrix = buildTrainingMatrix(transactions, TZ, 60);
    expect(matrix).toHaveLength(transactions.length);
    for (let i = 0; i < transactions.length; i += 7) {
      const t = transactions[i];
      // rows are generated in time order, so "earlier" is everything before this one
      const earlier = transactions.slice(0, i).filter((e) => e.customerId === t.customerId);
      expect(matrix[i]).toEqual(anomalyFeatures(t, buildProfile(earlier, t, 60), TZ));
    }
  });

  it('keeps the input order whatever order the rows come in', () => {
    const shuffled = [...transactions].reverse();
    const a = buildTrainingMatrix(transactions, TZ, 60);
    const b = buildTrainingMatrix(shuffled, TZ, 60);
    expect([...b].reverse()).toEqual(a);
  });
});
