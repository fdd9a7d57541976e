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

export type ProfileInput = Pick<Transaction, 'amount' | 'city' | 'occurredAt'>;

interface Entry {
  at: number;
  amount: number;
  city: string;
}

/**
 * A customer's running history, fed in time order: profile() describes the customer just before
 * the next transaction, add() then records it. Holds at most `limit` entries.
 */
export class ProfileHistory {
  private readonly entries: Entry[] = [];
  private head = 0; // entries[head..] are live; older ones are dropped lazily
  private readonly sortedAmounts: number[] = [];
  private readonly cityCounts = new Map<string, number>();

  constructor(private readonly limit: number = PROFILE_HISTORY_LIMIT) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`history limit must be a positive integer, got ${limit}`);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  add(amount: number, city: string, at: number): void {
    this.entries.push({ at, amount, city });
    insertSorted(this.sortedAmounts, amount);
    this.cityCounts.set(city, (this.cityCounts.get(city) ?? 0) + 1);
    if (this.size > this.limit) {
      const old = this.entries[this.head++];
      removeSorted(this.sortedAmounts, old.amount);
      const n = this.cityCounts.get(old.city)! - 1;
      if (n === 0) this.cityCounts.delete(old.city);
      else this.cityCounts.set(old.city, n);
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
    let recentCount = 0;
    // entries are in time order, so the window is a suffix
    for (let i = this.entries.length - 1; i >= this.head; i--) {
      const t = this.entries[i].at;
      if (t < windowStart) break;
      if (t <= at) recentCount++;
    }
    return summarise(this.size, this.sortedAmounts, this.cityCounts, recentCount);
  }
}

/**
 * The profile of a customer just before `txn`, from their earlier transactions (the caller
 * guarantees they are strictly earlier). Only the latest PROFILE_HISTORY_LIMIT are used.
 */
export function buildProfile(
  earlier: ReadonlyArray<ProfileInput>,
  txn: Transaction,
  velocityWindowMinutes: number,
  historyLimit: number = PROFILE_HISTORY_LIMIT,
): CustomerProfile {
  const at = toEpochMs(txn.occurredAt);
  const timed = earlier.map((e, i) => ({ at: toEpochMs(e.occurredAt), i, e }));
  // stable time order, so the cap keeps the same rows training would have kept
  timed.sort((x, y) => x.at - y.at || x.i - y.i);
  const history = new ProfileHistory(historyLimit);
  for (const { at: t, e } of timed.slice(Math.max(0, timed.length - historyLimit))) {
    history.add(amountToNumber(e.amount), e.city, t);
  }
  return history.profile(at, velocityWindowMinutes);
}

function summarise(
  historyCount: number,
  sortedAmounts: number[],
  cityCounts: Map<string, number>,
  recentCount: number,
): CustomerProfile {
  const n = sortedAmounts.length;
  const medianAmount = n === 0 ? null : n % 2 === 1 ? sortedAmounts[(n - 1) / 2] : (sortedAmounts[n / 2 - 1] + sortedAmounts[n / 2]) / 2;
  // most frequent first; ties by name so the result does not depend on input order
  const knownCities = [...cityCounts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([city]) => city);
  return { historyCount, medianAmount, knownCities, homeCity: knownCities[0] ?? null, recentCount };
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
