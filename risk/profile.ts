// A customer's habits, computed from their own earlier transactions. The same code serves live
// scoring (buildProfile) and model training (ProfileHistory, incremental), so the anomaly model
// sees exactly the profile at training time that it will see when scoring.
import type { CustomerProfile, Transaction } from './types';
import { amountToNumber } from './amount';
import { toEpochMs } from './time';

/**
 * How many of a customer's latest transactions a profile looks at. Training caps its running
 * history at this size, and buildProfile applies the same cap, so both agree.
 */
export const PROFILE_HISTORY_LIMIT = 200;

/**
 * How far back a profile lists the customer's individual transactions (CustomerProfile.recentAt),
 * for rules with their own short windows (bursts, repeated night activity). Those windows are
 * capped at this length in config/.
 */
export const RECENT_LOOKBACK_MINUTES = 24 * 60;

export type ProfileInput = Pick<Transaction, 'amount' | 'city' | 'country' | 'occurredAt'>;

/** One earlier transaction as the running history keeps it. */
export interface ProfileEntry {
  /** epoch ms */
  at: number;
  amount: number;
  city: string;
  country: string;
}

/**
 * A customer's running history, fed in time order: profile() describes the customer just before
 * the next transaction, add() then records it. Holds at most `limit` entries.
 */
export class ProfileHistory {
  private readonly entries: ProfileEntry[] = [];
  private head = 0; // entries[head..] are live; older ones are dropped lazily
  private readonly sortedAmounts: number[] = [];
  private readonly cityCounts = new Map<string, number>();
  private readonly countryCounts = new Map<string, number>();

  constructor(private readonly limit: number = PROFILE_HISTORY_LIMIT) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`history limit must be a positive integer, got ${limit}`);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  add(entry: ProfileEntry): void {
    const e = { ...entry, country: entry.country.trim().toUpperCase() };
    this.entries.push(e);
    insertSorted(this.sortedAmounts, e.amount);
    count(this.cityCounts, e.city, 1);
    count(this.countryCounts, e.country, 1);
    if (this.size > this.limit) {
      const old = this.entries[this.head++];
      removeSorted(this.sortedAmounts, old.amount);
      count(this.cityCounts, old.city, -1);
      count(this.countryCounts, old.country, -1);
      // compact now and then so memory stays bounded by the limit
      if (this.head > this.limit) {
        this.entries.splice(0, this.head);
        this.head = 0;
      }
    }
  }

  /** The profile just before a transaction at `at` (epoch ms). */
  profile(at: number, velocityWindowMinutes: number): CustomerProfile {
    const windowStart = at - velocityWindowMinutes * 60_000;
    const lookbackStart = at - RECENT_LOOKBACK_MINUTES * 60_000;
    let recentCount = 0;
    const recentAt: number[] = [];
    // entries are in time order, so the windows are suffixes
    for (let i = this.entries.length - 1; i >= this.head; i--) {
      const t = this.entries[i].at;
      if (t < windowStart && t < lookbackStart) break;
      if (t > at) continue;
      if (t >= windowStart) recentCount++;
      if (t >= lookbackStart) recentAt.push(t);
    }
    return { ...summarise(this.size, this.sortedAmounts, this.cityCounts, recentCount), knownCountries: byFrequency(this.countryCounts), recentAt };
  }
}

/**
 * The profile of a customer just before `txn`, from their earlier transactions (the caller
 * guarantees they are strictly earlier). Only the latest PROFILE_HISTORY_LIMIT are used.
 */
export function buildProfile(
  earlier: ReadonlyArray<ProfileInput>,
  txn: Pick<Transaction, 'occurredAt'>,
  velocityWindowMinutes: number,
  historyLimit: number = PROFILE_HISTORY_LIMIT,
): CustomerProfile {
  const at = toEpochMs(txn.occurredAt);
  const timed = earlier.map((e, i) => ({ at: toEpochMs(e.occurredAt), i, e }));
  // stable time order, so the cap keeps the same rows training would have kept
  timed.sort((x, y) => x.at - y.at || x.i - y.i);
  const history = new ProfileHistory(historyLimit);
  for (const { at: t, e } of timed.slice(Math.max(0, timed.length - historyLimit))) {
    history.add({ amount: amountToNumber(e.amount), city: e.city, country: e.country, at: t });
  }
  return history.profile(at, velocityWindowMinutes);
}

/**
 * One transaction in a customer's stored window (the customer_profiles table): occurred_at in
 * epoch microseconds, the amount as a number (a JSON number read from the exact decimal: the same
 * double as amountToNumber of its text, without parsing text per entry), city, country, reference.
 */
export type ProfileWindowEntry = [atUs: number, amount: number, city: string, country: string, transactionRef: string];

/**
 * The profile of a customer just before `txn` from their stored window (entries oldest first, in
 * (time, reference) order), exactly as buildProfile gives it from the customer's rows that
 * occurred in [since, txn) (other than txn itself); null when the window cannot tell, because
 * transactions of that period fell out of it (`evictedThroughUs`) and fewer than
 * `historyLimit` remain: the caller then reads the rows.
 */
export function profileFromWindow(
  entries: ReadonlyArray<ProfileWindowEntry>,
  evictedThroughUs: number | null,
  txn: Pick<Transaction, 'occurredAt' | 'transactionRef'>,
  sinceMs: number,
  velocityWindowMinutes: number,
  historyLimit: number = PROFILE_HISTORY_LIMIT,
): CustomerProfile | null {
  const at = toEpochMs(txn.occurredAt);
  const atUs = at * 1000;
  const sinceUs = sinceMs * 1000;
  // the latest `historyLimit` entries in [since, at), newest first
  const kept: ProfileWindowEntry[] = [];
  for (let i = entries.length - 1; i >= 0 && kept.length < historyLimit; i--) {
    const e = entries[i]!;
    if (e[0] >= atUs || e[4] === txn.transactionRef) continue;
    if (e[0] < sinceUs) break;
    kept.push(e);
  }
  if (kept.length < historyLimit && evictedThroughUs !== null && evictedThroughUs >= sinceUs) return null;
  const windowStart = at - velocityWindowMinutes * 60_000;
  const lookbackStart = at - RECENT_LOOKBACK_MINUTES * 60_000;
  const n = kept.length;
  const amounts = new Float64Array(n);
  const cityCounts = new Map<string, number>();
  const countryCounts = new Map<string, number>();
  const recentAt: number[] = [];
  let recentCount = 0;
  for (let i = 0; i < n; i++) {
    const e = kept[i]!;
    // as the rows are read: microseconds cut to the millisecond
    const t = Math.floor(e[0] / 1000);
    amounts[i] = e[1];
    count(cityCounts, e[2], 1);
    count(countryCounts, normCountry(e[3]), 1);
    if (t >= windowStart) recentCount++;
    if (t >= lookbackStart) recentAt.push(t);
  }
  amounts.sort();
  return { ...summarise(n, amounts, cityCounts, recentCount), knownCountries: byFrequency(countryCounts), recentAt };
}

/** trim + upper case, without either call for a code that is already two capital letters. */
function normCountry(country: string): string {
  if (country.length === 2) {
    const a = country.charCodeAt(0);
    const b = country.charCodeAt(1);
    if (a >= 65 && a <= 90 && b >= 65 && b <= 90) return country;
  }
  return country.trim().toUpperCase();
}

function summarise(
  historyCount: number,
  sortedAmounts: ArrayLike<number>,
  cityCounts: Map<string, number>,
  recentCount: number,
): Omit<CustomerProfile, 'knownCountries' | 'recentAt'> {
  const n = sortedAmounts.length;
  const medianAmount = n === 0 ? null : n % 2 === 1 ? sortedAmounts[(n - 1) / 2] : (sortedAmounts[n / 2 - 1] + sortedAmounts[n / 2]) / 2;
  const knownCities = byFrequency(cityCounts);
  return { historyCount, medianAmount, knownCities, homeCity: knownCities[0] ?? null, recentCount };
}

/** Most frequent first; ties by name so the result does not depend on input order. */
function byFrequency(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k);
}

function count(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(a: number[], x: number): void {
  a.splice(lowerBound(a, x), 0, x);
}

function removeSorted(a: number[], x: number): void {
  const i = lowerBound(a, x);
  if (a[i] === x) a.splice(i, 1);
}
