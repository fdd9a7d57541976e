// Features for the anomaly model. They describe a transaction relative to the customer's own
// habits (amount versus their median, a city they have never used, a burst of activity), because
// fraud on an account shows up as a break from that account's pattern more than as a large
// absolute value.
import { CHANNELS, TRANSACTION_TYPES, type CustomerProfile, type Transaction } from '../types';
import { amountToNumber } from '../amount';
import { localTime, toEpochMs } from '../time';
import { PROFILE_HISTORY_LIMIT, ProfileHistory } from '../profile';
import { knowsCity, upperTrimmed } from '../rules';

export const FEATURE_NAMES = [
  'log_amount',
  'log_amount_vs_median',
  'hour_sin',
  'hour_cos',
  'foreign',
  'new_city',
  'channel_code',
  'type_code',
  'recent_count',
  // appended, so that a model trained on the first nine still reads its columns the same way
  'first_seen_country',
  'burst_count',
] as const;

/** The short window of the burst_count feature. */
const BURST_FEATURE_MINUTES = 5;

export const FEATURE_COUNT = FEATURE_NAMES.length;

// Time of day on a circle, so 23:50 and 00:10 are neighbours; one entry per minute of the day,
// computed once with the same expression the features always used.
const angleOf = (minuteOfDay: number) => (2 * Math.PI * (Math.floor(minuteOfDay / 60) + (minuteOfDay % 60) / 60)) / 24;
const HOUR_SIN = Float64Array.from({ length: 24 * 60 }, (_, m) => Math.sin(angleOf(m)));
const HOUR_COS = Float64Array.from({ length: 24 * 60 }, (_, m) => Math.cos(angleOf(m)));

/** The country treated as domestic by the `foreign` feature. */
export const DOMESTIC_COUNTRY = 'KE';

function isUpperLetters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

export function anomalyFeatures(
  txn: Transaction,
  profile: CustomerProfile,
  timeZone: string,
  homeCountry: string = DOMESTIC_COUNTRY,
): number[] {
  const amount = amountToNumber(txn.amount);
  const at = toEpochMs(txn.occurredAt);
  const t = localTime(txn.occurredAt, timeZone);
  const minuteOfDay = t.hour * 60 + t.minute;
  const hasHistory = profile.historyCount > 0 && profile.medianAmount !== null;
  const newCity = profile.historyCount > 0 && !knowsCity(profile.knownCities, txn.city);
  const country = upperTrimmed(txn.country);
  // not trimmed: a home country given with spaces never equals a trimmed country, as before
  const home = isUpperLetters(homeCountry) ? homeCountry : homeCountry.toUpperCase();
  let burst = 0;
  const recentAt = profile.recentAt;
  for (let i = 0; i < recentAt.length; i++) {
    const t = recentAt[i]!;
    if (t >= at - BURST_FEATURE_MINUTES * 60_000 && t <= at) burst++;
  }
  const logAmount = Math.log1p(Math.max(0, amount));
  return [
    logAmount,
    hasHistory ? logAmount - Math.log1p(Math.max(0, profile.medianAmount!)) : 0,
    HOUR_SIN[minuteOfDay]!,
    HOUR_COS[minuteOfDay]!,
    country === home ? 0 : 1,
    newCity ? 1 : 0,
    CHANNELS.indexOf(txn.channel),
    TRANSACTION_TYPES.indexOf(txn.type),
    profile.recentCount,
    country !== home && !profile.knownCountries.includes(country) ? 1 : 0,
    burst,
  ];
}

/**
 * One feature row per transaction, in the order given. Each row's profile is built from the same
 * customer's earlier transactions in the input (by time; ties keep input order), capped at the
 * latest PROFILE_HISTORY_LIMIT — exactly what buildProfile gives at scoring time.
 * O(n log n + n·k) for n rows and history cap k.
 */
export function buildTrainingMatrix(
  transactions: ReadonlyArray<Transaction>,
  timeZone: string,
  velocityWindowMinutes: number,
  homeCountry: string = DOMESTIC_COUNTRY,
): number[][] {
  const order = transactions.map((txn, i) => ({ at: toEpochMs(txn.occurredAt), i }));
  order.sort((a, b) => a.at - b.at || a.i - b.i);
  const histories = new Map<string, ProfileHistory>();
  const rows: number[][] = new Array(transactions.length);
  for (const { at, i } of order) {
    const txn = transactions[i];
    let h = histories.get(txn.customerId);
    if (!h) histories.set(txn.customerId, (h = new ProfileHistory(PROFILE_HISTORY_LIMIT)));
    rows[i] = anomalyFeatures(txn, h.profile(at, velocityWindowMinutes), timeZone, homeCountry);
    h.add({ amount: amountToNumber(txn.amount), city: txn.city, country: txn.country, at });
  }
  return rows;
}
