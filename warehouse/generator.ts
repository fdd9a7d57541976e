// Seeded, deterministic generator of realistic warehouse rows (the transaction_history table):
// customers with personal habits in Kenyan cities, merchants, day/night rhythm in East Africa
// Time, and a labelled minority of injected fraud so that models can be measured.
// Pure: no I/O, no clock, no Math.random(); the same options always give the same rows.
import { fieldsOf, type TransactionRow } from '../db/transactionRows';
import { createRng, deriveSeed, type Rng } from '../risk/random';
import { CHANNELS, TRANSACTION_TYPES, type Channel, type Transaction, type TransactionType } from '../risk/types';

export const FRAUD_PATTERNS = ['amount_spike', 'new_foreign_location', 'blacklisted_merchant', 'night_burst', 'velocity_burst'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

/** One row of transaction_history, column for column (id and loaded_at are set by the database). */
export interface WarehouseRow extends TransactionRow {
  /** KES, decimal string with 2 places */
  amount: string;
  txn_type: TransactionType;
  channel: Channel;
  /** ISO 8601, UTC */
  occurred_at: string;
  is_fraud: boolean;
  fraud_pattern: FraudPattern | null;
}

export interface BlacklistedMerchant {
  merchantId: string;
  merchantName: string;
  reason: string;
}

type MerchantCategory = 'groceries' | 'fuel' | 'pharmacy' | 'dining' | 'retail' | 'ecommerce' | 'travel' | 'bills' | 'education' | 'health';

export interface Merchant {
  merchantId: string;
  merchantName: string;
  category: MerchantCategory;
}

// Legitimate merchants. "Shell Kenya" is a fuel retailer: the old engine's substring match on
// "shell" flagged it; Kinga must not.
export const MERCHANTS: readonly Merchant[] = [
  { merchantId: 'M-10001', merchantName: 'Naivas Supermarket', category: 'groceries' },
  { merchantId: 'M-10002', merchantName: 'Quickmart Supermarket', category: 'groceries' },
  { merchantId: 'M-10003', merchantName: 'Carrefour Two Rivers', category: 'groceries' },
  { merchantId: 'M-10004', merchantName: 'Chandarana Foodplus', category: 'groceries' },
  { merchantId: 'M-10005', merchantName: 'Shell Kenya', category: 'fuel' },
  { merchantId: 'M-10006', merchantName: 'TotalEnergies Kenya', category: 'fuel' },
  { merchantId: 'M-10007', merchantName: 'Rubis Energy Kenya', category: 'fuel' },
  { merchantId: 'M-10008', merchantName: 'Goodlife Pharmacy', category: 'pharmacy' },
  { merchantId: 'M-10009', merchantName: 'Haltons Pharmacy', category: 'pharmacy' },
  { merchantId: 'M-10010', merchantName: 'Java House', category: 'dining' },
  { merchantId: 'M-10011', merchantName: 'Kenchic Inn', category: 'dining' },
  { merchantId: 'M-10012', merchantName: 'Mama Ashanti Restaurant', category: 'dining' },
  { merchantId: 'M-10013', merchantName: 'Text Book Centre', category: 'retail' },
  { merchantId: 'M-10014', merchantName: 'Bata Shoe Store', category: 'retail' },
  { merchantId: 'M-10015', merchantName: 'Nyeri Hardware Stores', category: 'retail' },
  { merchantId: 'M-10016', merchantName: 'Eldoret Agrovet Supplies', category: 'retail' },
  { merchantId: 'M-10017', merchantName: 'Jumia Kenya', category: 'ecommerce' },
  { merchantId: 'M-10018', merchantName: 'Kilimall', category: 'ecommerce' },
  { merchantId: 'M-10019', merchantName: 'Kenya Airways', category: 'travel' },
  { merchantId: 'M-10020', merchantName: 'Madaraka Express SGR', category: 'travel' },
  { merchantId: 'M-10021', merchantName: 'Kenya Power Prepaid', category: 'bills' },
  { merchantId: 'M-10022', merchantName: 'Nairobi City Water', category: 'bills' },
  { merchantId: 'M-10023', merchantName: 'Safaricom Home Fibre', category: 'bills' },
  { merchantId: 'M-10024', merchantName: 'Zuku Internet', category: 'bills' },
  { merchantId: 'M-10025', merchantName: 'Jubilee Insurance', category: 'bills' },
  { merchantId: 'M-10026', merchantName: 'Brookhouse School Fees', category: 'education' },
  { merchantId: 'M-10027', merchantName: 'Kenyatta University Fees', category: 'education' },
  { merchantId: 'M-10028', merchantName: 'Nairobi West Hospital', category: 'health' },
  { merchantId: 'M-10029', merchantName: 'Coast General Hospital', category: 'health' },
];

/** Merchants the bank refuses to trust; seeded into merchant_blacklist. */
export const BLACKLISTED_MERCHANTS: readonly BlacklistedMerchant[] = [
  { merchantId: 'M-90001', merchantName: 'Pesa Mingi Investment Club', reason: 'pyramid scheme reported by several customers' },
  { merchantId: 'M-90002', merchantName: 'Haraka Loans Online', reason: 'unlicensed digital lender collecting fees upfront' },
  { merchantId: 'M-90003', merchantName: 'Nairobi Gold Bullion Traders', reason: 'fake gold dealer under police investigation' },
  { merchantId: 'M-90004', merchantName: 'Unknown Merchant 4471', reason: 'card-testing merchant with repeated chargebacks' },
  { merchantId: 'M-90005', merchantName: 'Crypto Wealth Kenya', reason: 'unregistered crypto investment scheme' },
  { merchantId: 'M-90006', merchantName: 'Quick Forex Signals KE', reason: 'collection account for a forex trading scam' },
];

/** Kenyan cities with rough weights by customer base. */
export const KENYAN_CITIES: ReadonlyArray<readonly [string, number]> = [
  ['Nairobi', 35],
  ['Mombasa', 12],
  ['Kisumu', 8],
  ['Nakuru', 8],
  ['Eldoret', 7],
  ['Thika', 6],
  ['Machakos', 5],
  ['Meru', 5],
  ['Nyeri', 4],
  ['Malindi', 3],
  ['Kitale', 3],
  ['Garissa', 2],
];

/** Where fraud from abroad shows up. */
export const FOREIGN_LOCATIONS: ReadonlyArray<{ country: string; cities: string[] }> = [
  { country: 'GB', cities: ['London', 'Manchester'] },
  { country: 'AE', cities: ['Dubai', 'Abu Dhabi'] },
  { country: 'US', cities: ['New York', 'Houston'] },
  { country: 'CN', cities: ['Guangzhou', 'Shenzhen'] },
  { country: 'NG', cities: ['Lagos', 'Abuja'] },
  { country: 'ZA', cities: ['Johannesburg', 'Cape Town'] },
];

/** Where customers genuinely travel (a few legitimate foreign rows make the data honest). */
const TRAVEL_LOCATIONS: ReadonlyArray<{ country: string; cities: string[] }> = [
  { country: 'TZ', cities: ['Dar es Salaam', 'Arusha'] },
  { country: 'UG', cities: ['Kampala'] },
  { country: 'AE', cities: ['Dubai'] },
  { country: 'GB', cities: ['London'] },
  { country: 'ZA', cities: ['Johannesburg'] },
];

/** East Africa Time: UTC+3 all year (no daylight saving), so local time is a fixed offset. */
const EAT_OFFSET_MS = 3 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// Share of a customer's transactions by local hour: busy days, quiet nights (but not silent:
// about 1% of genuine activity falls between midnight and 04:00).
const BASE_HOURS = [0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 2, 4, 6, 7, 7, 7, 8, 7.5, 7, 7, 7, 7.5, 8, 7, 5.5, 4, 2.5, 1.2];

// Which transaction types each channel carries.
const CHANNEL_TYPES: Record<Channel, ReadonlyArray<readonly [TransactionType, number]>> = {
  mobile: [['transfer', 45], ['payment', 35], ['purchase', 15], ['withdrawal', 5]],
  online: [['payment', 45], ['transfer', 35], ['purchase', 20]],
  atm: [['withdrawal', 92], ['deposit', 8]],
  pos: [['purchase', 100]],
  branch: [['deposit', 45], ['withdrawal', 30], ['transfer', 25]],
  agent: [['deposit', 55], ['withdrawal', 45]],
};

// Typical size of each type relative to the customer's median.
const TYPE_FACTOR: Record<TransactionType, number> = { purchase: 0.6, payment: 1, transfer: 1.2, withdrawal: 0.8, deposit: 1.8 };

const PURCHASE_CATEGORIES: Record<'pos' | 'online' | 'mobile', MerchantCategory[]> = {
  pos: ['groceries', 'groceries', 'fuel', 'pharmacy', 'dining', 'retail'],
  online: ['ecommerce', 'travel', 'retail'],
  mobile: ['groceries', 'dining', 'ecommerce', 'fuel'],
};
const PAYMENT_CATEGORIES: MerchantCategory[] = ['bills', 'bills', 'bills', 'education', 'health', 'travel'];

interface Customer {
  customerId: string;
  accountId: string;
  /** personal median amount, KES */
  median: number;
  /** spread of log-amounts */
  sigma: number;
  /** transactions per day */
  dailyRate: number;
  channelWeights: number[];
  hourWeights: number[];
  homeCity: string;
  secondCity: string | null;
  secondCityShare: number;
  favourites: Merchant[];
  /** a short legitimate trip abroad, as a fraction of the window [from, to) */
  trip: { from: number; to: number; country: string; city: string } | null;
}

export interface HistoryOptions {
  seed: number;
  customers: number;
  days: number;
  /** end of the window (exclusive), ISO 8601 */
  endAt: string;
  /** share of labelled fraud rows (default 0.03) */
  fraudRate?: number;
  /** prefix of transaction_ref (default "WH-") */
  refPrefix?: string;
}

export interface TrickleOptions {
  /** the history's seed: the same seed gives the same customers (their cities, amounts, hours) */
  seed: number;
  customers: number;
  /** the stream continues the history from here; rows before it are never emitted */
  startAt: string;
  /** prefix of transaction_ref (default "LIVE-"); refs also carry startAt, so restarts don't collide */
  refPrefix?: string;
  fraudRate?: number;
}

export interface Trickle {
  /** every transaction that occurred after the previous call and at or before `until` (ISO 8601), in time order */
  due(until: string): WarehouseRow[];
}

const DEFAULT_FRAUD_RATE = 0.03;

// Relative frequency of fraud events (bursts produce several rows each).
const PATTERN_WEIGHTS: ReadonlyArray<readonly [FraudPattern, number]> = [
  ['amount_spike', 30],
  ['new_foreign_location', 25],
  ['blacklisted_merchant', 25],
  ['night_burst', 10],
  ['velocity_burst', 10],
];

/** A transaction before it gets its reference. */
type Draft = Omit<WarehouseRow, 'transaction_ref'>;

export function generateHistory(options: HistoryOptions): WarehouseRow[] {
  const { seed, days, endAt } = options;
  const fraudRate = options.fraudRate ?? DEFAULT_FRAUD_RATE;
  const refPrefix = options.refPrefix ?? 'WH-';
  checkCommon(seed, options.customers, fraudRate);
  if (!(Number.isFinite(days) && days > 0)) throw new Error(`days must be a positive number, got ${days}`);
  const endMs = parseTime(endAt, 'endAt');
  const startMs = endMs - Math.round(days * DAY_MS);
  const customers = buildCustomers(seed, options.customers);

  const drafts: Array<{ at: number; seq: number; row: Draft }> = [];
  const push = (at: number, row: Draft) => drafts.push({ at, seq: drafts.length, row });

  for (const c of customers) {
    const rng = createRng(deriveSeed(seed, 'history', c.customerId));
    const firstDay = Math.floor((startMs + EAT_OFFSET_MS) / DAY_MS) * DAY_MS - EAT_OFFSET_MS;
    for (let dayStart = firstDay; dayStart < endMs; dayStart += DAY_MS) {
      customerDay(rng, c, dayStart, startMs, endMs, (at) => {
        const phase = (at - startMs) / (endMs - startMs);
        return c.trip && phase >= c.trip.from && phase < c.trip.to ? c.trip : null;
      }, push);
    }
  }

  // Fraud: about fraudRate of all rows, late enough in the window that victims have history.
  const normalCount = drafts.length;
  const target = fraudRate > 0 ? Math.max(1, Math.round((fraudRate * normalCount) / (1 - fraudRate))) : 0;
  const rng = createRng(deriveSeed(seed, 'fraud'));
  let labelled = 0;
  for (let event = 0; labelled < target; event++) {
    // the first events cycle through every pattern so each one is represented
    const pattern = event < FRAUD_PATTERNS.length ? FRAUD_PATTERNS[event] : pickWeighted(rng, PATTERN_WEIGHTS);
    const c = customers[rng.int(customers.length)];
    const from = startMs + 0.25 * (endMs - startMs);
    const at = from + Math.floor(rng.next() * (endMs - from));
    for (const f of fraudEvent(rng, c, pattern, at, { startMs, endMs, live: false })) {
      push(f.at, f.row);
      labelled++;
    }
  }

  drafts.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return drafts.map((d, i) => ({ transaction_ref: `${refPrefix}${String(i + 1).padStart(8, '0')}`, ...d.row }));
}

/** One customer's ordinary transactions on the local day starting at `dayStart`, kept within [fromMs, toMs). */
function customerDay(
  rng: Rng,
  c: Customer,
  dayStart: number,
  fromMs: number,
  toMs: number,
  abroadAt: (at: number) => Customer['trip'],
  push: (at: number, row: Draft) => void,
): void {
  const weekday = (Math.floor((dayStart + EAT_OFFSET_MS) / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
  const n = poisson(rng, c.dailyRate * (weekday === 0 ? 0.7 : weekday === 6 ? 0.9 : 1));
  for (let k = 0; k < n; k++) {
    const at = dayStart + pickIndex(rng, c.hourWeights) * HOUR_MS + rng.int(3600) * 1000;
    if (at < fromMs || at >= toMs) continue;
    push(at, normalDraft(rng, c, at, abroadAt(at)));
  }
}

/**
 * The history continued in time: the same customers (same seed) keep their own rhythm — hours,
 * cities, amounts, daily rates — and fraud comes at the history's rate and mix, placed as in the
 * history. Rows occur at their own times, so a demo that writes what is due every few seconds shows
 * the bank as its history describes it (and scores it with the history's false-positive rate).
 * Days are generated lazily from per-customer streams, so the rows do not depend on how often
 * `due` is called. Nobody is abroad in the stream (trips belong to the history's window).
 */
export function createTrickle(options: TrickleOptions): Trickle {
  const { seed } = options;
  const fraudRate = options.fraudRate ?? DEFAULT_FRAUD_RATE;
  checkCommon(seed, options.customers, fraudRate);
  const startMs = parseTime(options.startAt, 'startAt');
  const prefix = `${options.refPrefix ?? 'LIVE-'}${compactStamp(startMs)}-`;
  const customers = buildCustomers(seed, options.customers);
  const streams = customers.map((c) => createRng(deriveSeed(seed, 'trickle', startMs, c.customerId)));
  const pending: Array<{ at: number; seq: number; row: Draft }> = [];
  let nextDay = Math.floor((startMs + EAT_OFFSET_MS) / DAY_MS) * DAY_MS - EAT_OFFSET_MS;
  let drafted = 0;
  let emittedUntil = startMs - 1;
  let seq = 0;

  const draftDay = (dayStart: number) => {
    const day: Array<{ at: number; seq: number; row: Draft }> = [];
    const push = (at: number, row: Draft) => day.push({ at, seq: drafted++, row });
    customers.forEach((c, i) => customerDay(streams[i], c, dayStart, startMs, Infinity, () => null, push));
    if (fraudRate > 0) {
      // as many labelled rows as the history's share, drawn as whole events
      const rng = createRng(deriveSeed(seed, 'trickle-fraud', startMs, dayStart));
      const expected = (fraudRate * day.length) / (1 - fraudRate);
      const target = Math.floor(expected + rng.next());
      for (let labelled = 0; labelled < target; ) {
        const c = customers[rng.int(customers.length)];
        const at = dayStart + Math.floor(rng.next() * DAY_MS);
        for (const f of fraudEvent(rng, c, pickWeighted(rng, PATTERN_WEIGHTS), at, { startMs, endMs: Infinity, live: false })) {
          push(f.at, f.row);
          labelled++;
        }
      }
    }
    pending.push(...day);
    pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
  };

  return {
    due(until: string): WarehouseRow[] {
      const untilMs = parseTime(until, 'until');
      if (untilMs <= emittedUntil) return [];
      // a day's fraud can run a few hours past its end, so draft one day ahead
      while (nextDay <= untilMs + DAY_MS) {
        draftDay(nextDay);
        nextDay += DAY_MS;
      }
      let n = 0;
      while (n < pending.length && pending[n].at <= untilMs) n++;
      emittedUntil = untilMs;
      return pending.splice(0, n).map((d) => ({ transaction_ref: `${prefix}${String(++seq).padStart(7, '0')}`, ...d.row }));
    },
  };
}

/** Maps a warehouse row (as generated, or as read back from the database) to a Transaction. */
export function toTransaction(
  row: Omit<WarehouseRow, 'amount' | 'occurred_at' | 'txn_type' | 'channel' | 'is_fraud' | 'fraud_pattern'> & {
    amount: string | number;
    occurred_at: string | Date;
    txn_type: string;
    channel: string;
  },
): Transaction {
  if (!(TRANSACTION_TYPES as readonly string[]).includes(row.txn_type)) throw new Error(`${row.transaction_ref}: unknown txn_type "${row.txn_type}"`);
  if (!(CHANNELS as readonly string[]).includes(row.channel)) throw new Error(`${row.transaction_ref}: unknown channel "${row.channel}"`);
  return {
    ...fieldsOf(row),
    amount: typeof row.amount === 'number' ? row.amount.toFixed(2) : row.amount,
    type: row.txn_type as TransactionType,
    channel: row.channel as Channel,
    occurredAt: typeof row.occurred_at === 'string' ? row.occurred_at : row.occurred_at.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------

function buildCustomers(seed: number, count: number): Customer[] {
  const out: Customer[] = [];
  for (let i = 0; i < count; i++) {
    // each customer has its own stream, so history and trickle agree on who they are
    const rng = createRng(deriveSeed(seed, 'customer', i));
    const customerId = `CUST-${String(i + 1).padStart(6, '0')}`;
    const accountId = `01${String(i + 1).padStart(6, '0')}${String(rng.int(10_000)).padStart(4, '0')}`;
    // personal median: log-normal around ~5,000 KES, from a few hundred to a few hundred thousand
    const median = clamp(Math.exp(Math.log(5_000) + 1.4 * gaussian(rng)), 300, 400_000);
    const sigma = 0.35 + 0.5 * rng.next();
    const dailyRate = Math.exp(Math.log(0.3) + rng.next() * Math.log(20)); // 0.3 .. 6 a day
    // two or three preferred channels carry most of the activity
    const channelWeights = CHANNELS.map(() => 0.2 + rng.next() * 0.8);
    const preferred = 2 + rng.int(2);
    for (let k = 0; k < preferred; k++) channelWeights[rng.int(CHANNELS.length)] += 3 + rng.next() * 5;
    const nightOwl = rng.next() < 0.1;
    const shift = rng.int(3) - 1; // early birds and late risers
    const hourWeights = BASE_HOURS.map((_, h) => {
      const w = BASE_HOURS[(h - shift + 24) % 24];
      return nightOwl && (h >= 21 || h <= 1) ? w * 3 : w;
    });
    const homeCity = pickWeighted(rng, KENYAN_CITIES);
    let secondCity: string | null = null;
    if (rng.next() < 0.3) {
      do secondCity = pickWeighted(rng, KENYAN_CITIES);
      while (secondCity === homeCity);
    }
    const favourites = Array.from({ length: 3 + rng.int(4) }, () => MERCHANTS[rng.int(MERCHANTS.length)]);
    let trip: Customer['trip'] = null;
    if (rng.next() < 0.03) {
      const loc = TRAVEL_LOCATIONS[rng.int(TRAVEL_LOCATIONS.length)];
      const from = rng.next() * 0.85;
      trip = { from, to: from + 0.05 + rng.next() * 0.07, country: loc.country, city: loc.cities[rng.int(loc.cities.length)] };
    }
    out.push({ customerId, accountId, median, sigma, dailyRate, channelWeights, hourWeights, homeCity, secondCity, secondCityShare: 0.1 + rng.next() * 0.15, favourites, trip });
  }
  return out;
}

function normalDraft(rng: Rng, c: Customer, at: number, abroad: Customer['trip']): Draft {
  let channel = CHANNELS[pickIndex(rng, c.channelWeights)];
  if (abroad && (channel === 'agent' || channel === 'branch' || channel === 'mobile')) channel = rng.next() < 0.6 ? 'pos' : 'atm';
  const type = pickWeighted(rng, CHANNEL_TYPES[channel]);
  let amount = c.median * TYPE_FACTOR[type] * Math.exp(c.sigma * gaussian(rng));
  if (rng.next() < 0.01) amount *= 3 + rng.next() * 5; // the occasional genuine big-ticket item
  let city = c.homeCity;
  let country = 'KE';
  if (abroad) {
    city = abroad.city;
    country = abroad.country;
  } else if (c.secondCity && rng.next() < c.secondCityShare) city = c.secondCity;
  else if (rng.next() < 0.01) city = pickWeighted(rng, KENYAN_CITIES); // a day trip
  const merchant = merchantFor(rng, c, channel, type);
  return {
    customer_id: c.customerId,
    account_id: c.accountId,
    amount: formatAmount(roundForChannel(rng, amount, channel, type)),
    currency: 'KES',
    txn_type: type,
    channel,
    merchant_id: merchant?.merchantId ?? null,
    merchant_name: merchant?.merchantName ?? null,
    city,
    country,
    occurred_at: new Date(at).toISOString(),
    is_fraud: false,
    fraud_pattern: null,
  };
}

function merchantFor(rng: Rng, c: Customer, channel: Channel, type: TransactionType): Merchant | null {
  let categories: MerchantCategory[];
  if (type === 'payment') categories = PAYMENT_CATEGORIES;
  else if (type === 'purchase') categories = PURCHASE_CATEGORIES[channel === 'online' || channel === 'mobile' ? channel : 'pos'];
  else return null;
  const fav = c.favourites.filter((m) => categories.includes(m.category));
  if (fav.length > 0 && rng.next() < 0.7) return fav[rng.int(fav.length)];
  const category = categories[rng.int(categories.length)];
  const pool = MERCHANTS.filter((m) => m.category === category);
  return pool[rng.int(pool.length)];
}

/**
 * Rows of one fraud event around `at` (bursts give several rows), kept within [startMs, endMs).
 * In history the event is placed at a fitting local time; live, it happens at `at`.
 */
function fraudEvent(
  rng: Rng,
  c: Customer,
  pattern: FraudPattern,
  at: number,
  { startMs, endMs, live }: { startMs: number; endMs: number; live: boolean },
): Array<{ at: number; row: Draft }> {
  const rows: Array<{ at: number; row: Draft }> = [];
  const add = (t: number, amount: number, type: TransactionType, channel: Channel, extra: Partial<Draft> = {}) => {
    if (t < startMs || t >= endMs) return;
    rows.push({
      at: t,
      row: {
        customer_id: c.customerId,
        account_id: c.accountId,
        amount: formatAmount(roundForChannel(rng, amount, channel, type)),
        currency: 'KES',
        txn_type: type,
        channel,
        merchant_id: null,
        merchant_name: null,
        city: c.homeCity,
        country: 'KE',
        occurred_at: new Date(t).toISOString(),
        is_fraud: true,
        fraud_pattern: pattern,
        ...extra,
      },
    });
  };
  const daytime = (t: number) => {
    // move to a plausible hour of the same local day, so only the pattern itself stands out
    const dayStart = Math.floor((t + EAT_OFFSET_MS) / DAY_MS) * DAY_MS - EAT_OFFSET_MS;
    return dayStart + pickIndex(rng, c.hourWeights) * HOUR_MS + rng.int(3600) * 1000;
  };

  switch (pattern) {
    case 'amount_spike': {
      // account takeover emptying the account: 10–100× the usual, sometimes above 10 million
      const big = rng.next() < 0.15;
      const amount = big ? 10_500_000 + rng.next() * 30_000_000 : c.median * (10 + rng.next() * 90);
      const channel: Channel = (['online', 'mobile', 'branch'] as const)[rng.int(3)];
      add(live ? at : daytime(at), amount, rng.next() < 0.6 ? 'transfer' : 'payment', channel);
      break;
    }
    case 'new_foreign_location': {
      // a cloned card used abroad
      const loc = FOREIGN_LOCATIONS[rng.int(FOREIGN_LOCATIONS.length)];
      const channel: Channel = (['pos', 'online', 'atm'] as const)[rng.int(3)];
      const type: TransactionType = channel === 'atm' ? 'withdrawal' : 'purchase';
      add(at, c.median * (1 + rng.next() * 7), type, channel, { city: loc.cities[rng.int(loc.cities.length)], country: loc.country });
      break;
    }
    case 'blacklisted_merchant': {
      // a customer lured into paying a known scam
      const m = BLACKLISTED_MERCHANTS[rng.int(BLACKLISTED_MERCHANTS.length)];
      const amount = Math.max(1_000, c.median * (2 + rng.next() * 18));
      add(live ? at : daytime(at), amount, 'payment', rng.next() < 0.5 ? 'online' : 'mobile', {
        merchant_id: m.merchantId,
        merchant_name: m.merchantName,
      });
      break;
    }
    case 'night_burst': {
      // several withdrawals and transfers between midnight and 04:00, while the customer sleeps
      let t = at;
      if (!live) {
        const dayStart = Math.floor((at + EAT_OFFSET_MS) / DAY_MS) * DAY_MS - EAT_OFFSET_MS;
        t = dayStart + rng.int(2 * 3600) * 1000; // start 00:00–02:00 local
      }
      const n = 3 + rng.int(4);
      for (let k = 0; k < n; k++) {
        const channel: Channel = (['atm', 'mobile', 'agent'] as const)[rng.int(3)];
        add(t, c.median * (1 + rng.next() * 4), channel === 'mobile' ? 'transfer' : 'withdrawal', channel);
        t += (5 + rng.int(25)) * 60_000;
      }
      break;
    }
    case 'velocity_burst': {
      // many small transfers within minutes, draining the account to mule wallets
      let t = live ? at : daytime(at);
      const n = 5 + rng.int(5);
      const channel: Channel = rng.next() < 0.7 ? 'mobile' : 'online';
      for (let k = 0; k < n; k++) {
        add(t, c.median * (0.5 + rng.next() * 2.5), 'transfer', channel);
        t += (20 + rng.int(100)) * 1000;
      }
      break;
    }
  }
  return rows;
}

function roundForChannel(rng: Rng, amount: number, channel: Channel, type: TransactionType): number {
  if (channel === 'atm') return clamp(Math.round(amount / 100) * 100, 200, 100_000); // notes; daily ATM limit
  if (channel === 'agent') return Math.max(50, Math.round(amount / 50) * 50);
  if (channel === 'branch') return Math.max(500, Math.round(amount / 100) * 100);
  if (channel === 'pos' && type === 'purchase' && rng.next() < 0.3) return Math.max(10, Math.round(amount * 100) / 100);
  return Math.max(10, Math.round(amount));
}

function formatAmount(kes: number): string {
  const cents = Math.round(kes * 100);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function compactStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTime(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`${what} is not an ISO 8601 timestamp: "${iso}"`);
  return ms;
}

function checkCommon(seed: number, customers: number, fraudRate: number): void {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  if (!(Number.isInteger(customers) && customers >= 1)) throw new Error(`customers must be a positive integer, got ${customers}`);
  if (!(fraudRate >= 0 && fraudRate < 0.5)) throw new Error(`fraudRate must be in [0, 0.5), got ${fraudRate}`);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function gaussian(rng: Rng): number {
  // Box–Muller; 1 − u avoids log(0)
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function poisson(rng: Rng, lambda: number): number {
  // Knuth's method: fine for the small daily rates used here
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

function pickIndex(rng: Rng, weights: ReadonlyArray<number>): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function pickWeighted<T>(rng: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  return items[pickIndex(rng, items.map((x) => x[1]))][0];
}
