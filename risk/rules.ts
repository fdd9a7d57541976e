// The transaction rules. Each rule reports whether it hit, its points (integer basis points, so
// sums are exact) and a sentence an analyst can read. Every rule is always reported, in a fixed
// order, so breakdowns can be compared side by side.
import type { LevelThresholds, RulePolicy, RuleResult, ScoringContext, Transaction } from './types';
import { amountToNumber, formatKes, isAbove } from './amount';
import { localTime, localTimeAt, parseInstant } from './time';

export const RULE_ORDER = [
  'amount',
  'customerAmount',
  'blacklist',
  'merchantKeyword',
  'typeAmount',
  'location',
  'offHours',
  'channel',
  'velocity',
  'burst',
  'nightRepeat',
] as const;
export type RuleName = (typeof RULE_ORDER)[number];

export const RULE_LABELS: Record<RuleName, string> = {
  amount: 'Large amount',
  customerAmount: 'Unusual amount for this customer',
  blacklist: 'Blacklisted merchant',
  merchantKeyword: 'Merchant name keyword',
  typeAmount: 'Large transfer or payment',
  location: 'Unusual location',
  offHours: 'Off-hours',
  channel: 'Channel and amount',
  velocity: 'Many transactions in a short time',
  burst: 'Burst of transactions within minutes',
  nightRepeat: 'Repeated activity at night',
};

/** What every rule reads: the transaction, its context, the policy, and the amount as text once. */
interface RuleInput {
  txn: Transaction;
  ctx: ScoringContext;
  policy: RulePolicy;
  levels: LevelThresholds | undefined;
  amountText: string;
}

// The evaluators are module-level functions, not closures made per transaction: scoring runs at
// 100k transactions a second, and a closure per rule per call (plus the name helper a TypeScript
// loader wraps each one in) was a fifth of its time.
const EVALUATORS: Record<RuleName, (r: RuleInput) => Outcome> = {
  amount: amountRule,
  customerAmount: customerAmountRule,
  blacklist: blacklistRule,
  merchantKeyword: merchantKeywordRule,
  typeAmount: typeAmountRule,
  location: locationRule,
  offHours: offHoursRule,
  channel: channelRule,
  velocity: velocityRule,
  burst: burstRule,
  nightRepeat: nightRepeatRule,
};

/**
 * Evaluates every rule. `levels`, when given, lets the amount rule say whether its points alone
 * make the transaction high or medium risk.
 */
export function evaluateRules(txn: Transaction, ctx: ScoringContext, policy: RulePolicy, levels?: LevelThresholds): RuleResult[] {
  const input: RuleInput = { txn, ctx, policy, levels, amountText: kes(txn.amount) };
  const results: RuleResult[] = new Array<RuleResult>(RULE_ORDER.length);
  for (let i = 0; i < RULE_ORDER.length; i++) {
    const rule = RULE_ORDER[i]!;
    const label = RULE_LABELS[rule];
    if (!policy[rule].enabled) {
      results[i] = { rule, label, hit: false, points: 0, contribution: 0, detail: 'disabled' };
      continue;
    }
    const o = EVALUATORS[rule](input);
    // integer points keep sums exact even if a caller passes a fractional weight
    const points = o.hit ? Math.round(o.points) : 0;
    results[i] = { rule, label, hit: o.hit, points, contribution: points / 10_000, detail: o.detail };
  }
  return results;
}

/** An amount as the breakdown prints it; configured thresholds repeat, so theirs are remembered. */
const thresholdTexts = new Map<number, string>();
function kes(a: string | number): string {
  if (typeof a === 'string') return `${formatKes(a)} KES`;
  let text = thresholdTexts.get(a);
  if (text === undefined) {
    text = `${formatKes(a)} KES`;
    if (thresholdTexts.size > 1000) thresholdTexts.clear();
    thresholdTexts.set(a, text);
  }
  return text;
}

function amountRule({ txn, policy, levels, amountText }: RuleInput): Outcome {
  const p = policy.amount;
  if (isAbove(txn.amount, p.highAmount)) {
    return hit(p.highPoints, `amount ${amountText} is above ${kes(p.highAmount)}${alone(p.highPoints, levels)}`);
  }
  if (isAbove(txn.amount, p.elevatedAmount)) {
    return hit(p.elevatedPoints, `amount ${amountText} is above ${kes(p.elevatedAmount)}${alone(p.elevatedPoints, levels)}`);
  }
  return miss(`amount ${amountText} is not above ${kes(p.elevatedAmount)}`);
}

function customerAmountRule({ txn, ctx, policy, levels, amountText }: RuleInput): Outcome {
  const p = policy.customerAmount;
  const c = ctx.customer;
  if (!p.types.includes(txn.type)) return miss(`a ${txn.type} is not one of: ${p.types.join(', ') || 'none'}`);
  if (c.historyCount < p.minHistory || c.medianAmount === null || c.medianAmount <= 0) {
    return miss(`${c.historyCount} earlier transaction(s), fewer than ${p.minHistory} needed to judge the amount against the customer's own`);
  }
  const ratio = amountToNumber(txn.amount) / c.medianAmount;
  const median = kes(c.medianAmount.toFixed(2));
  const times = `${formatRatio(ratio)}× the customer's median of ${median} over ${c.historyCount} earlier transactions`;
  if (ratio >= p.multiple) return hit(p.points, `${txn.type} of ${amountText} is ${times}, at or above ${p.multiple}×${alone(p.points, levels)}`);
  return miss(`${txn.type} of ${amountText} is ${times}, below ${p.multiple}×`);
}

function blacklistRule({ txn, ctx, policy }: RuleInput): Outcome {
  const b = ctx.blacklistedMerchant;
  if (b) {
    const name = txn.merchantName ? ` (${txn.merchantName})` : '';
    return hit(policy.blacklist.points, `merchant ${b.merchantId}${name} is on the bank's blacklist: ${b.reason}`);
  }
  if (!txn.merchantId && !txn.merchantName) return miss('no merchant on this transaction');
  return miss(`merchant ${txn.merchantName ?? txn.merchantId} is not on the blacklist`);
}

function merchantKeywordRule({ txn, policy }: RuleInput): Outcome {
  const p = policy.merchantKeyword;
  const keywords = p.keywords.map((k) => k.trim()).filter(Boolean);
  if (!txn.merchantName) return miss('no merchant name on this transaction');
  const found = keywords.find((k) => containsWord(txn.merchantName!, k));
  if (found) return hit(p.points, `merchant name "${txn.merchantName}" contains the word "${found}"`);
  return miss(
    keywords.length === 0
      ? 'no keywords configured'
      : `merchant name "${txn.merchantName}" contains none of the words: ${keywords.join(', ')}`,
  );
}

function typeAmountRule({ txn, policy, amountText }: RuleInput): Outcome {
  const p = policy.typeAmount;
  if (!p.types.includes(txn.type)) return miss(`a ${txn.type} is not one of: ${p.types.join(', ') || 'none'}`);
  if (isAbove(txn.amount, p.amount)) return hit(p.points, `${txn.type} of ${amountText} is above ${kes(p.amount)}`);
  return miss(`${txn.type} of ${amountText} is not above ${kes(p.amount)}`);
}

function locationRule({ txn, ctx, policy, levels }: RuleInput): Outcome {
  const p = policy.location;
  const country = txn.country.trim().toUpperCase();
  const home = p.homeCountry.trim().toUpperCase();
  const c = ctx.customer;
  if (country !== home) {
    if (c.knownCountries.includes(country)) {
      return hit(p.foreignPoints, `transaction in ${txn.city}, ${country}: outside ${home}, in a country the customer has used before`);
    }
    const usual = c.homeCity ? ` (usually ${c.homeCity})` : '';
    const whose = c.historyCount === 0 ? 'a customer without history' : `this customer${usual}`;
    return hit(p.firstSeenCountryPoints, `transaction in ${txn.city}, ${country}: outside ${home}, the first in ${country} for ${whose}${alone(p.firstSeenCountryPoints, levels)}`);
  }
  if (c.historyCount < p.minHistory) {
    return miss(`in ${home}; ${c.historyCount} earlier transaction(s), fewer than ${p.minHistory} needed to judge the city`);
  }
  const city = normCity(txn.city);
  for (const k of c.knownCities) if (normCity(k) === city) return miss(`${txn.city} is a city the customer has used before`);
  const usual = c.knownCities.slice(0, 3).join(', ');
  return hit(p.unusualCityPoints, `${txn.city} is new for this customer${usual ? ` (usually ${usual})` : ''}`);
}

function offHoursRule({ txn, policy }: RuleInput): Outcome {
  const p = policy.offHours;
  const t = localTime(txn.occurredAt, p.timeZone);
  const clock = `${pad2(t.hour)}:${pad2(t.minute)}`;
  const window = `${pad2(p.startHour)}:00–${pad2(p.endHour)}:00`;
  if (inWindow(t.hour, p.startHour, p.endHour)) return hit(p.points, `${clock} in ${p.timeZone} is within off-hours ${window}`);
  return miss(`${clock} in ${p.timeZone} is outside off-hours ${window}`);
}

function channelRule({ txn, policy, amountText }: RuleInput): Outcome {
  const w = policy.channel.weights[txn.channel];
  if (!w) return miss(`no weight configured for the ${txn.channel} channel`);
  if (isAbove(txn.amount, w.amount)) return hit(w.points, `${txn.channel} transaction of ${amountText} is above ${kes(w.amount)}`);
  return miss(`${txn.channel} transaction of ${amountText} is not above ${kes(w.amount)}`);
}

function velocityRule({ ctx, policy }: RuleInput): Outcome {
  const p = policy.velocity;
  const n = ctx.customer.recentCount;
  const text = `${n} earlier transaction(s) in the last ${p.windowMinutes} minutes`;
  if (n >= p.maxCount) return hit(p.points, `${text}, at or above the limit of ${p.maxCount}`);
  return miss(`${text}, below the limit of ${p.maxCount}`);
}

function burstRule({ txn, ctx, policy, levels }: RuleInput): Outcome {
  const p = policy.burst;
  const at = parseInstant(txn.occurredAt);
  const n = countSince(ctx.customer.recentAt, at, p.windowMinutes);
  const text = `${n} earlier transaction(s) in the last ${p.windowMinutes} minutes`;
  if (n >= p.minCount) return hit(p.points, `${text}, at or above ${p.minCount}${alone(p.points, levels)}`);
  return miss(`${text}, below ${p.minCount}`);
}

function nightRepeatRule({ txn, ctx, policy }: RuleInput): Outcome {
  const p = policy.nightRepeat;
  const night = policy.offHours;
  const at = parseInstant(txn.occurredAt);
  const window = `${pad2(night.startHour)}:00–${pad2(night.endHour)}:00`;
  const t = localTime(txn.occurredAt, night.timeZone);
  if (!inWindow(t.hour, night.startHour, night.endHour)) return miss(`${pad2(t.hour)}:${pad2(t.minute)} is outside the night window ${window}`);
  const earlier = ctx.customer.recentAt.filter(
    (e) => e <= at && at - e <= p.windowMinutes * 60_000 && inWindow(localTimeAt(e, night.timeZone).hour, night.startHour, night.endHour),
  );
  const clocks = earlier
    .slice(0, 3)
    .map((e) => {
      const l = localTimeAt(e, night.timeZone);
      return `${pad2(l.hour)}:${pad2(l.minute)}`;
    })
    .reverse()
    .join(', ');
  const text = `${earlier.length} earlier transaction(s) at night (${window}) in the last ${p.windowMinutes} minutes${clocks ? ` (${clocks})` : ''}`;
  if (earlier.length >= p.minCount) return hit(p.points, `${text}, then this one at ${pad2(t.hour)}:${pad2(t.minute)}`);
  return miss(`${text}, below ${p.minCount}`);
}

interface Outcome {
  hit: boolean;
  points: number;
  detail: string;
}

const hit = (points: number, detail: string): Outcome => ({ hit: true, points, detail });
const miss = (detail: string): Outcome => ({ hit: false, points: 0, detail });

function alone(points: number, levels: LevelThresholds | undefined): string {
  if (!levels) return `: +${formatPoints(points)}`;
  if (points >= levels.high) return ': high risk on its own';
  if (points >= levels.medium) return ': medium risk on its own';
  return `: +${formatPoints(points)}`;
}

/** Basis points as a score fraction: 2500 → "0.25". */
export function formatPoints(points: number): string {
  return String(points / 10_000);
}

/**
 * Whether `hour` lies in the window [start, end) on a 24-hour clock. A window whose start is
 * after its end wraps past midnight (23 → 6 is 23:00–05:59). start == end is an empty window.
 */
export function inWindow(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  if (start < end) return hour >= start && hour < end;
  return hour >= start || hour < end;
}

/** Whole-word, case-insensitive match; "Shell Kenya" does not contain the word "shel". */
export function containsWord(text: string, word: string): boolean {
  let pattern = wordPatterns.get(word);
  if (pattern === undefined) {
    const escaped = word.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    pattern = escaped ? new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu') : null;
    if (wordPatterns.size > 1000) wordPatterns.clear();
    wordPatterns.set(word, pattern);
  }
  return pattern !== null && pattern.test(text);
}
/** Keywords come from the rule set, so each is compiled once (no `g` flag: `test` keeps no state). */
const wordPatterns = new Map<string, RegExp | null>();

/** Entries of `times` (epoch ms) in the `minutes` before `at`, inclusive. */
function countSince(times: ReadonlyArray<number>, at: number, minutes: number): number {
  const from = at - minutes * 60_000;
  let n = 0;
  for (const t of times) if (t >= from && t <= at) n++;
  return n;
}

/** 14.2, 3.1, 120 — enough precision to read, none to distract. */
function formatRatio(r: number): string {
  return r >= 100 ? String(Math.round(r)) : r.toFixed(1);
}

function normCity(city: string): string {
  return city.trim().toLowerCase();
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
