import { describe, expect, it } from 'vitest';
import { BLACKLISTED_MERCHANTS, createTrickle, FRAUD_PATTERNS, generateHistory, KENYAN_CITIES, MERCHANTS, toTransaction } from '../../warehouse/generator';
import { CHANNELS, TRANSACTION_TYPES } from '../../risk/types';

const END = '2026-03-01T00:00:00Z';
const opts = { seed: 99, customers: 200, days: 30, endAt: END };
const rows = generateHistory(opts);

describe('generateHistory', () => {
  it('same seed → identical rows; another seed → different rows', () => {
    expect(generateHistory(opts)).toEqual(rows);
    expect(generateHistory({ ...opts, seed: 100 }).slice(0, 50)).not.toEqual(rows.slice(0, 50));
  });

  it('rows are realistic, complete and within the window, sorted by time', () => {
    expect(rows.length).toBeGreaterThan(5_000);
    const start = Date.parse(END) - 30 * 86_400_000;
    const columns = ['account_id', 'amount', 'channel', 'city', 'country', 'currency', 'customer_id', 'fraud_pattern', 'is_fraud', 'merchant_id', 'merchant_name', 'occurred_at', 'transaction_ref', 'txn_type'].join();
    const homeCities = new Set(KENYAN_CITIES.map(([c]) => c));
    // checked in plain code and reported together: one expect per row would dominate the run time
    const problems: string[] = [];
    let prev = -Infinity;
    for (const r of rows) {
      const t = Date.parse(r.occurred_at);
      const why = [
        t < start || t >= Date.parse(END) ? 'outside the window' : '',
        t < prev ? 'out of order' : '',
        !/^\d+\.\d{2}$/.test(r.amount) || !(Number(r.amount) > 0) ? 'bad amount' : '',
        r.currency !== 'KES' ? 'currency' : '',
        !CHANNELS.includes(r.channel) ? 'channel' : '',
        !TRANSACTION_TYPES.includes(r.txn_type) ? 'type' : '',
        !/^[A-Z]{2}$/.test(r.country) ? 'country' : '',
        r.country === 'KE' && !homeCities.has(r.city) ? 'not a Kenyan city' : '',
        r.is_fraud !== (r.fraud_pattern !== null) ? 'label' : '',
        Object.keys(r).sort().join() !== columns ? 'columns' : '',
      ].filter(Boolean);
      if (why.length) problems.push(`${r.transaction_ref}: ${why.join(', ')}`);
      prev = t;
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // day/night rhythm in Nairobi time: much busier at noon than at 3 am
    const hour = (iso: string) => (new Date(iso).getUTCHours() + 3) % 24;
    const normal = rows.filter((r) => !r.is_fraud);
    const at = (h: number) => normal.filter((r) => hour(r.occurred_at) === h).length;
    expect(at(12)).toBeGreaterThan(20 * at(3));
  });

  it('labels about the configured share of rows, and every pattern appears', () => {
    const share = rows.filter((r) => r.is_fraud).length / rows.length;
    expect(share).toBeGreaterThan(0.025);
    expect(share).toBeLessThan(0.035);
    const patterns = new Set(rows.map((r) => r.fraud_pattern).filter(Boolean));
    expect([...patterns].sort()).toEqual([...FRAUD_PATTERNS].sort());
    const low = generateHistory({ ...opts, fraudRate: 0.01 });
    expect(low.filter((r) => r.is_fraud).length / low.length).toBeCloseTo(0.01, 2);
    expect(generateHistory({ ...opts, customers: 20, fraudRate: 0 }).some((r) => r.is_fraud)).toBe(false);
  });

  it('patterns look like what they are named', () => {
    const of = (p: string) => rows.filter((r) => r.fraud_pattern === p);
    const blacklisted = new Set(BLACKLISTED_MERCHANTS.map((m) => m.merchantId));
    expect(of('blacklisted_merchant').every((r) => blacklisted.has(r.merchant_id!))).toBe(true);
    expect(of('new_foreign_location').every((r) => r.country !== 'KE')).toBe(true);
    expect(of('night_burst').every((r) => (new Date(r.occurred_at).getUTCHours() + 3) % 24 < 4)).toBe(true);
    // velocity bursts: several rows of one customer within minutes
    const burst = of('velocity_burst');
    const byCustomer = new Map<string, number[]>();
    for (const r of burst) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), Date.parse(r.occurred_at)]);
    for (const times of byCustomer.values()) {
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(times[4] - times[0]).toBeLessThan(15 * 60_000);
    }
    // spikes: amounts far above the customer's usual
    for (const r of of('amount_spike')) {
      const usual = rows.filter((x) => x.customer_id === r.customer_id && !x.is_fraud).map((x) => Number(x.amount)).sort((a, b) => a - b);
      if (usual.length > 5) expect(Number(r.amount)).toBeGreaterThan(3 * usual[Math.floor(usual.length / 2)]);
    }
    // normal rows never touch blacklisted merchants
    expect(rows.some((r) => !r.is_fraud && r.merchant_id && blacklisted.has(r.merchant_id))).toBe(false);
  });

  it('Shell Kenya is a legitimate merchant, not blacklisted', () => {
    const shell = MERCHANTS.find((m) => m.merchantName === 'Shell Kenya');
    expect(shell).toBeDefined();
    expect(BLACKLISTED_MERCHANTS.some((m) => m.merchantId === shell!.merchantId || /shell/i.test(m.merchantName))).toBe(false);
    expect(rows.some((r) => r.merchant_name === 'Shell Kenya' && !r.is_fraud)).toBe(true);
  });

  it('refs are unique and deterministic', () => {
    const refs = rows.map((r) => r.transaction_ref);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs[0]).toBe('WH-00000001');
    expect(generateHistory({ ...opts, refPrefix: 'B2-' })[0].transaction_ref).toBe('B2-00000001');
  });

  it('maps to Transactions', () => {
    const t = toTransaction(rows[0]);
    expect(t).toMatchObject({ transactionRef: rows[0].transaction_ref, amount: rows[0].amount, type: rows[0].txn_type, occurredAt: rows[0].occurred_at });
    // as read back from PostgreSQL: Date timestamps, numeric amounts
    expect(toTransaction({ ...rows[0], occurred_at: new Date(rows[0].occurred_at), amount: 12.5 })).toMatchObject({ amount: '12.50', occurredAt: rows[0].occurred_at });
    expect(() => toTransaction({ ...rows[0], channel: 'fax' })).toThrow(/unknown channel/);
  });

  it('validates its options', () => {
    expect(() => generateHistory({ ...opts, endAt: 'soon' })).toThrow(/endAt/);
    expect(() => generateHistory({ ...opts, customers: 0 })).toThrow(/customers/);
  });
});

describe('createTrickle', () => {
  const start = '2026-03-01T00:00:00Z';
  const hour = 3_600_000;
  // asked every 5 minutes for four days
  const times = Array.from({ length: 4 * 24 * 12 }, (_, i) => new Date(Date.parse(start) + (i + 1) * 300_000).toISOString());
  const stream = (seed = 99, at = times) => {
    const t = createTrickle({ seed, customers: 200, startAt: start, refPrefix: 'LIVE-' });
    return at.map((u) => t.due(u));
  };
  const batches = stream();
  const live = batches.flat();

  it('is deterministic, emits each row once when it is due, in time order, with unique refs', () => {
    expect(stream()).toEqual(batches);
    batches.forEach((rows, i) => {
      const from = i === 0 ? Date.parse(start) : Date.parse(times[i - 1]);
      for (const r of rows) {
        expect(Date.parse(r.occurred_at)).toBeGreaterThan(from - 1);
        expect(Date.parse(r.occurred_at)).toBeLessThanOrEqual(Date.parse(times[i]));
      }
    });
    expect(live.map((r) => r.occurred_at)).toEqual([...live.map((r) => r.occurred_at)].sort());
    expect(new Set(live.map((r) => r.transaction_ref)).size).toBe(live.length);
    expect(live[0].transaction_ref).toBe('LIVE-20260301000000-0000001');
  });

  it('does not depend on how often it is asked', () => {
    const daily = stream(99, [1, 2, 3, 4].map((d) => new Date(Date.parse(start) + d * 24 * hour).toISOString())).flat();
    expect(daily.map(({ transaction_ref: _, ...r }) => r)).toEqual(live.map(({ transaction_ref: _, ...r }) => r));
  });

  it('the same customers keep their own habits: home city, amounts, quiet nights', () => {
    const known = new Map(rows.map((r) => [r.customer_id, r.account_id]));
    for (const r of live) expect(known.get(r.customer_id)).toBe(r.account_id);
    // about as many rows a day as the history has
    const perDay = rows.filter((r) => !r.is_fraud).length / 30;
    const livePerDay = live.filter((r) => !r.is_fraud).length / 4;
    expect(livePerDay).toBeGreaterThan(perDay * 0.8);
    expect(livePerDay).toBeLessThan(perDay * 1.2);
    // each customer's live rows come mostly from the cities of their history
    const cities = new Map<string, Set<string>>();
    for (const r of rows) (cities.get(r.customer_id) ?? cities.set(r.customer_id, new Set()).get(r.customer_id)!).add(r.city);
    const normal = live.filter((r) => !r.is_fraud);
    const atKnownCity = normal.filter((r) => cities.get(r.customer_id)?.has(r.city)).length / normal.length;
    expect(atKnownCity).toBeGreaterThan(0.97);
    // nights are quiet, as in the history: under 3 % of normal rows between 00:00 and 04:00 local
    const night = normal.filter((r) => (new Date(r.occurred_at).getUTCHours() + 3) % 24 < 4).length / normal.length;
    expect(night).toBeLessThan(0.03);
  });

  it('carries the same fraud mix at about the same rate', () => {
    const share = live.filter((r) => r.is_fraud).length / live.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.06);
    const seen = new Set(live.map((r) => r.fraud_pattern).filter(Boolean));
    for (const p of seen) expect(FRAUD_PATTERNS).toContain(p);
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });
});
