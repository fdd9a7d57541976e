// The customer profile kept up to date as transactions are recorded (customer_profiles, maintained
// by a trigger in the same PostgreSQL transaction) gives exactly the profile rebuilt from the
// customer's history, whatever the order of arrival, with duplicates, deletions and customers
// whose window has overflowed.
import { afterAll, describe, expect, it } from 'vitest';
import { buildProfile, profileFromWindow, type ProfileWindowEntry } from '../../risk/profile';
import { createRng } from '../../risk/random';
import { toTransactionRow } from '../../db/transactionRows';
import { profileFromHistory, readProfile } from '../../activities/scoring';
import { CUSTOMER_PROFILE_WINDOW } from '../../migrations/20261203130000_create_customer_profiles';
import { generateHistory, toTransaction } from '../../warehouse/generator';
import type { Transaction } from '../../risk/types';
import { testDb, uniqueRef } from '../helpers';

const WINDOW_MINUTES = 60;
const DAY = 86_400_000;

describe('profileFromWindow (pure)', () => {
  // a customer's transactions: several per day, some at the same millisecond
  const rng = createRng(5);
  const start = Date.parse('2026-08-01T00:00:00Z');
  const rows = Array.from({ length: 400 }, (_, i) => {
    const at = start + Math.floor(rng.next() * 120 * DAY) - (i % 17 === 0 ? 0 : rng.int(1000));
    return { at, amount: (100 + rng.int(50_000)).toFixed(2), city: ['Nairobi', 'Mombasa', ' nairobi', 'Kisumu'][rng.int(4)]!, country: ['KE', 'ke ', 'UG'][rng.int(3)]!, ref: `R${String(i).padStart(4, '0')}` };
  });
  rows.sort((a, b) => a.at - b.at || (a.ref < b.ref ? -1 : 1));
  const entries: ProfileWindowEntry[] = rows.map((r) => [r.at * 1000, Number(r.amount), r.city, r.country, r.ref]);

  it('equals buildProfile over the rows of [since, txn), for every transaction of the sequence', () => {
    for (let k = 0; k < rows.length; k += 3) {
      const t = rows[k]!;
      const txn = { occurredAt: new Date(t.at).toISOString(), transactionRef: t.ref };
      const since = t.at - 90 * DAY;
      const earlier = rows.filter((r) => r.at < t.at && r.at >= since && r.ref !== t.ref).map((r) => ({ occurredAt: new Date(r.at).toISOString(), amount: r.amount, city: r.city, country: r.country }));
      expect(profileFromWindow(entries, null, txn, since, WINDOW_MINUTES), t.ref).toEqual(buildProfile(earlier, txn, WINDOW_MINUTES));
    }
  });

  it('answers null (read the history) only when rows of the period fell out of the window and fewer than the limit remain', () => {
    const last = rows[rows.length - 1]!;
    const txn = { occurredAt: new Date(last.at + 1000).toISOString(), transactionRef: 'NEW' };
    const since = last.at + 1000 - 90 * DAY;
    // the newest 250 kept, the rest evicted: 200 remain for the latest transaction → an answer
    const kept = entries.slice(-250);
    const evicted = entries[entries.length - 251]![0];
    expect(profileFromWindow(kept, evicted, txn, since, WINDOW_MINUTES)).not.toBeNull();
    // a transaction from before most of the kept ones: fewer than 200 earlier in the window
    const old = rows[rows.length - 150]!;
    expect(profileFromWindow(kept, evicted, { occurredAt: new Date(old.at).toISOString(), transactionRef: old.ref }, old.at - 90 * DAY, WINDOW_MINUTES)).toBeNull();
    // …unless what was evicted is older than the period the profile looks at
    expect(profileFromWindow(kept, old.at - 91 * DAY * 1000, { occurredAt: new Date(old.at).toISOString(), transactionRef: old.ref }, old.at - 90 * DAY, WINDOW_MINUTES)).not.toBeNull();
  });
});

describe('customer_profiles (PostgreSQL)', () => {
  const db = testDb();
  afterAll(() => db.destroy());

  const toRow = (t: Transaction) => ({ ...toTransactionRow(t), source: 'backfill' });

  async function expectSameProfiles(txns: Transaction[]): Promise<number> {
    let fromWindow = 0;
    for (const t of txns) {
      const stored = await db('customer_profiles').where({ customer_id: t.customerId }).first<{ entries: ProfileWindowEntry[]; evicted_through_us: string | null }>();
      const since = Date.parse(t.occurredAt) - 90 * DAY;
      if (stored && profileFromWindow(stored.entries, stored.evicted_through_us === null ? null : Number(stored.evicted_through_us), t, since, WINDOW_MINUTES)) fromWindow++;
      expect(await readProfile(db, t, WINDOW_MINUTES), t.transactionRef).toEqual(await profileFromHistory(db, t, WINDOW_MINUTES));
    }
    return fromWindow;
  }

  it('out-of-order and duplicate ingestion: every profile equals the one rebuilt from history, duplicates counted once', async () => {
    const tag = uniqueRef('pw').replace(/[^a-zA-Z0-9]/g, '');
    const txns = generateHistory({ seed: 21, customers: 6, days: 30, endAt: '2026-11-20T05:00:00Z' })
      .map(toTransaction)
      .map((t) => ({ ...t, customerId: `${tag}-${t.customerId}`, transactionRef: `${tag}-${t.transactionRef}` }));
    // arrival order shuffled, in batches; some batches sent twice, some rows repeated in a later batch
    const rng = createRng(3);
    const shuffled = [...txns];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (let i = 0; i < shuffled.length; i += 40) {
      const batch = shuffled.slice(i, i + 40).map(toRow);
      await db('transactions').insert(batch).onConflict('transaction_ref').ignore();
      if (i % 120 === 0) await db('transactions').insert(batch).onConflict('transaction_ref').ignore();
      if (i > 0) await db('transactions').insert(shuffled.slice(i - 5, i).map(toRow)).onConflict('transaction_ref').ignore();
    }
    const customers = [...new Set(txns.map((t) => t.customerId))];
    const windows = await db('customer_profiles').whereIn('customer_id', customers).select<{ customer_id: string; entries: ProfileWindowEntry[] }[]>('customer_id', 'entries');
    for (const w of windows) {
      const own = txns.filter((t) => t.customerId === w.customer_id);
      expect(w.entries.length).toBe(Math.min(own.length, CUSTOMER_PROFILE_WINDOW));
      expect(new Set(w.entries.map((e) => e[4])).size).toBe(w.entries.length);
    }
    const sample = txns.filter((_, i) => i % 4 === 0);
    const fromWindow = await expectSameProfiles(sample);
    expect(fromWindow).toBe(sample.length); // the window answered every one of them

    // a deleted transaction leaves the window too
    const gone = txns[10]!;
    await db('transactions').where({ transaction_ref: gone.transactionRef }).del();
    await expectSameProfiles(txns.filter((t) => t.customerId === gone.customerId).slice(0, 30));
  });

  it('a customer beyond the window: recent transactions from the window, a far older one from the history, both as rebuilt', async () => {
    const tag = uniqueRef('pwbig').replace(/[^a-zA-Z0-9]/g, '');
    const base = Date.parse('2026-10-01T08:00:00Z');
    const mk = (i: number, at: number): Transaction => ({
      transactionRef: `${tag}-${String(i).padStart(4, '0')}`,
      customerId: `${tag}-C`,
      accountId: `${tag}-A`,
      amount: `${1000 + ((i * 7919) % 50_000)}.${String(i % 100).padStart(2, '0')}`,
      currency: 'KES',
      type: 'purchase',
      channel: 'pos',
      merchantId: null,
      merchantName: null,
      city: ['Nairobi', 'Mombasa', 'Nakuru'][i % 3]!,
      country: i % 29 === 0 ? 'UG' : 'KE',
      occurredAt: new Date(at).toISOString(),
    });
    // 380 transactions 20 minutes apart, three of them at the same instant as their neighbour
    const txns = Array.from({ length: 380 }, (_, i) => mk(i, base + (i % 97 === 1 ? i - 1 : i) * 20 * 60_000));
    for (let i = 0; i < txns.length; i += 50) await db('transactions').insert(txns.slice(i, i + 50).map(toRow));
    const stored = await db('customer_profiles').where({ customer_id: `${tag}-C` }).first<{ entries: ProfileWindowEntry[]; evicted_through_us: string | null }>();
    expect(stored!.entries.length).toBe(CUSTOMER_PROFILE_WINDOW);
    expect(stored!.evicted_through_us).not.toBeNull();

    const late = mk(1000, base + 400 * 20 * 60_000);
    const early = mk(1001, base + 30 * 20 * 60_000 + 1);
    await db('transactions').insert([late, early].map(toRow));
    // the late one is answered by the window, the early one (its earlier rows were evicted) by the history
    const window = await db('customer_profiles').where({ customer_id: `${tag}-C` }).first<{ entries: ProfileWindowEntry[]; evicted_through_us: string }>();
    const since = (t: Transaction) => Date.parse(t.occurredAt) - 90 * DAY;
    expect(profileFromWindow(window!.entries, Number(window!.evicted_through_us), late, since(late), WINDOW_MINUTES)).not.toBeNull();
    expect(profileFromWindow(window!.entries, Number(window!.evicted_through_us), early, since(early), WINDOW_MINUTES)).toBeNull();
    await expectSameProfiles([late, early, ...txns.filter((_, i) => i % 25 === 0)]);
  });
});
