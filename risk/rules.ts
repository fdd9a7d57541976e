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
// loader wraps each one in) was a fifth of its time. evaluateRules calls each one by name (below),
// and the sentences avoid regular expressions, array helpers with callbacks and repeated parsing.

/**
 * Evaluates every rule. `levels`, when given, lets the amount rule say whether its points alone
 * make the transaction high or medium risk.
 */
export function evaluateRules(txn: Transaction, ctx: ScoringContext, policy: RulePolicy, levels?: LevelThresholds): RuleResult[] {
  const input: RuleInput = { txn, ctx, policy, levels, amountText: kes(txn.amount) };
  // one call per rule, written out: a call through EVALUATORS[rule] was a call site that saw
  // eleven functions
  return [
    policy.amount.enabled ? amountRule(input) : disabled('amount'),
    policy.customerAmount.enabled ? customerAmountRule(input) : disabled('customerAmount'),
    policy.blacklist.enabled ? blacklistRule(input) : disabled('blacklist'),
    policy.merchantKeyword.enabled ? merchantKeywordRule(input) : disabled('merchantKeyword'),
    policy.typeAmount.enabled ? typeAmountRule(input) : disabled('typeAmount'),
    policy.location.enabled ? locationRule(input) : disabled('location'),
    policy.offHours.enabled ? offHoursRule(input) : disabled('offHours'),
    policy.channel.enabled ? channelRule(input) : disabled('channel'),
    policy.velocity.enabled ? velocityRule(input) : disabled('velocity'),
    policy.burst.enabled ? burstRule(input) : disabled('burst'),
    policy.nightRepeat.enabled ? nightRepeatRule(input) : disabled('nightRepeat'),
  ];
}

function disabled(rule: RuleName): RuleResult {
  return { rule, label: RULE_LABELS[rule], hit: false, points: 0, contribution: 0, detail: 'disabled' };
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

function amountRule({ txn, policy, levels, amountText }: RuleInput): RuleResult {
  const p = policy.amount;
  if (isAbove(txn.amount, p.highAmount)) {
    return hit('amount', RULE_LABELS.amount, p.highPoints, `amount ${amountText} is above ${kes(p.highAmount)}${alone(p.highPoints, levels)}`);
  }
  if (isAbove(txn.amount, p.elevatedAmount)) {
    return hit('amount', RULE_LABELS.amount, p.elevatedPoints, `amount ${amountText} is above ${kes(p.elevatedAmount)}${alone(p.elevatedPoints, levels)}`);
  }
  return miss('amount', RULE_LABELS.amount, `amount ${amountText} is not above ${kes(p.elevatedAmount)}`);
}

function customerAmountRule({ txn, ctx, policy, levels, amountText }: RuleInput): RuleResult {
  const p = policy.customerAmount;
  const c = ctx.customer;
  if (!p.types.includes(txn.type)) return miss('customerAmount', RULE_LABELS.customerAmount, `a ${txn.type} is not one of: ${typeList(p.types)}`);
  if (c.historyCount < p.minHistory || c.medianAmount === null || c.medianAmount <= 0) {
    return miss('customerAmount', RULE_LABELS.customerAmount, `${c.historyCount} earlier transaction(s), fewer than ${p.minHistory} needed to judge the amount against the customer's own`);
  }
  const ratio = amountToNumber(txn.amount) / c.medianAmount;
  const median = kes(c.medianAmount.toFixed(2));
  const times = `${formatRatio(ratio)}× the customer's median of ${median} over ${c.historyCount} earlier transactions`;
  if (ratio >= p.multiple) return hit('customerAmount', RULE_LABELS.customerAmount, p.points, `${txn.type} of ${amountText} is ${times}, at or above ${p.multiple}×${alone(p.points, levels)}`);
  return miss('customerAmount', RULE_LABELS.customerAmount, `${txn.type} of ${amountText} is ${times}, below ${p.multiple}×`);
}

function blacklistRule({ txn, ctx, policy }: RuleInput): RuleResult {
  const b = ctx.blacklistedMerchant;
  if (b) {
    const name = txn.merchantName ? ` (${txn.merchantName})` : '';
    return hit('blacklist', RULE_LABELS.blacklist, policy.blacklist.points, `merchant ${b.merchantId}${name} is on the bank's blacklist: ${b.reason}`);
  }
  if (!txn.merchantId && !txn.merchantName) return miss('blacklist', RULE_LABELS.blacklist, 'no merchant on this transaction');
  return miss('blacklist', RULE_LABELS.blacklist, `merchant ${txn.merchantName ?? txn.merchantId} is not on the blacklist`);
}

function merchantKeywordRule({ txn, policy }: RuleInput): RuleResult {
  const p = policy.merchantKeyword;
  if (!txn.merchantName) return miss('merchantKeyword', RULE_LABELS.merchantKeyword, 'no merchant name on this transaction');
  const { words: keywords, text: keywordList } = trimmedKeywords(p.keywords);
  for (let i = 0; i < keywords.length; i++) {
    const found = keywords[i]!;
    if (containsWord(txn.merchantName, found)) return hit('merchantKeyword', RULE_LABELS.merchantKeyword, p.points, `merchant name "${txn.merchantName}" contains the word "${found}"`);
  }
  return miss('merchantKeyword', RULE_LABELS.merchantKeyword, 
    keywords.length === 0
      ? 'no keywords configured'
      : `merchant name "${txn.merchantName}" contains none of the words: ${keywordList}`,
  );
}

/** The configured keywords trimmed, blanks dropped, and their list as the sentence prints it; remembered for the last list (and its content). */
let lastKeywords: ReadonlyArray<string> | null = null;
let lastKeywordsCopy: string[] = [];
let lastTrimmed: { words: string[]; text: string } = { words: [], text: '' };
function trimmedKeywords(keywords: ReadonlyArray<string>): { words: string[]; text: string } {
  // the copy guards against a list changed in place
  if (keywords !== lastKeywords || !sameStrings(keywords, lastKeywordsCopy)) {
    const words = keywords.map((k) => k.trim()).filter(Boolean);
    lastTrimmed = { words, text: words.join(', ') };
    lastKeywords = keywords;
    lastKeywordsCopy = [...keywords];
  }
  return lastTrimmed;
}

function sameStrings(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "transfer, payment" for a rule's types ("none" when empty); remembered per list and content. */
const typeListTexts = new Map<ReadonlyArray<string>, { copy: string[]; text: string }>();
function typeList(types: ReadonlyArray<string>): string {
  let known = typeListTexts.get(types);
  if (known === undefined || !sameStrings(types, known.copy)) {
    known = { copy: [...types], text: types.join(', ') || 'none' };
    // policies are few and long-lived; a caller making one per transaction must not grow this
    if (typeListTexts.size > 100) typeListTexts.clear();
    typeListTexts.set(types, known);
  }
  return known.text;
}

function typeAmountRule({ txn, policy, amountText }: RuleInput): RuleResult {
  const p = policy.typeAmount;
  if (!p.types.includes(txn.type)) return miss('typeAmount', RULE_LABELS.typeAmount, `a ${txn.type} is not one of: ${typeList(p.types)}`);
  if (isAbove(txn.amount, p.amount)) return hit('typeAmount', RULE_LABELS.typeAmount, p.points, `${txn.type} of ${amountText} is above ${kes(p.amount)}`);
  return miss('typeAmount', RULE_LABELS.typeAmount, `${txn.type} of ${amountText} is not above ${kes(p.amount)}`);
}

function locationRule({ txn, ctx, policy, levels }: RuleInput): RuleResult {
  const p = policy.location;
  const country = upperTrimmed(txn.country);
  const home = upperTrimmed(p.homeCountry);
  const c = ctx.customer;
  if (country !== home) {
    if (c.knownCountries.includes(country)) {
      return hit('location', RULE_LABELS.location, p.foreignPoints, `transaction in ${txn.city}, ${country}: outside ${home}, in a country the customer has used before`);
    }
    const usual = c.homeCity ? ` (usually ${c.homeCity})` : '';
    const whose = c.historyCount === 0 ? 'a customer without history' : `this customer${usual}`;
    return hit('location', RULE_LABELS.location, p.firstSeenCountryPoints, `transaction in ${txn.city}, ${country}: outside ${home}, the first in ${country} for ${whose}${alone(p.firstSeenCountryPoints, levels)}`);
  }
  if (c.historyCount < p.minHistory) {
    return miss('location', RULE_LABELS.location, `in ${home}; ${c.historyCount} earlier transaction(s), fewer than ${p.minHistory} needed to judge the city`);
  }
  if (knowsCity(c.knownCities, txn.city)) return miss('location', RULE_LABELS.location, `${txn.city} is a city the customer has used before`);
  const usual = c.knownCities.slice(0, 3).join(', ');
  return hit('location', RULE_LABELS.location, p.unusualCityPoints, `${txn.city} is new for this customer${usual ? ` (usually ${usual})` : ''}`);
}

function offHoursRule({ txn, policy }: RuleInput): RuleResult {
  const p = policy.offHours;
  const t = localTime(txn.occurredAt, p.timeZone);
  const clock = `${pad2(t.hour)}:${pad2(t.minute)}`;
  const window = hoursWindow(p.startHour, p.endHour);
  if (inWindow(t.hour, p.startHour, p.endHour)) return hit('offHours', RULE_LABELS.offHours, p.points, `${clock} in ${p.timeZone} is within off-hours ${window}`);
  return miss('offHours', RULE_LABELS.offHours, `${clock} in ${p.timeZone} is outside off-hours ${window}`);
}

function channelRule({ txn, policy, amountText }: RuleInput): RuleResult {
  const w = policy.channel.weights[txn.channel];
  if (!w) return miss('channel', RULE_LABELS.channel, `no weight configured for the ${txn.channel} channel`);
  if (isAbove(txn.amount, w.amount)) return hit('channel', RULE_LABELS.channel, w.points, `${txn.channel} transaction of ${amountText} is above ${kes(w.amount)}`);
  return miss('channel', RULE_LABELS.channel, `${txn.channel} transaction of ${amountText} is not above ${kes(w.amount)}`);
}

function velocityRule({ ctx, policy }: RuleInput): RuleResult {
  const p = policy.velocity;
  const n = ctx.customer.recentCount;
  const text = `${n} earlier transaction(s) in the last ${p.windowMinutes} minutes`;
  if (n >= p.maxCount) return hit('velocity', RULE_LABELS.velocity, p.points, `${text}, at or above the limit of ${p.maxCount}`);
  return miss('velocity', RULE_LABELS.velocity, `${text}, below the limit of ${p.maxCount}`);
}

function burstRule({ txn, ctx, policy, levels }: RuleInput): RuleResult {
  const p = policy.burst;
  const at = parseInstant(txn.occurredAt);
  const n = countSince(ctx.customer.recentAt, at, p.windowMinutes);
  const text = `${n} earlier transaction(s) in the last ${p.windowMinutes} minutes`;
  if (n >= p.minCount) return hit('burst', RULE_LABELS.burst, p.points, `${text}, at or above ${p.minCount}${alone(p.points, levels)}`);
  return miss('burst', RULE_LABELS.burst, `${text}, below ${p.minCount}`);
}

function nightRepeatRule({ txn, ctx, policy }: RuleInput): RuleResult {
  const p = policy.nightRepeat;
  const night = policy.offHours;
  const at = parseInstant(txn.occurredAt);
  const window = hoursWindow(night.startHour, night.endHour);
  const t = localTime(txn.occurredAt, night.timeZone);
  if (!inWindow(t.hour, night.startHour, night.endHour)) return miss('nightRepeat', RULE_LABELS.nightRepeat, `${pad2(t.hour)}:${pad2(t.minute)} is outside the night window ${window}`);
  // recentAt is newest first: the clocks shown are the latest three, oldest of them first
  const recentAt = ctx.customer.recentAt;
  let count = 0;
  let clocks = '';
  for (let i = 0; i < recentAt.length; i++) {
    const e = recentAt[i]!;
    if (!(e <= at && at - e <= p.windowMinutes * 60_000)) continue;
    const l = localTimeAt(e, night.timeZone);
    if (!inWindow(l.hour, night.startHour, night.endHour)) continue;
    if (count < 3) clocks = count === 0 ? `${pad2(l.hour)}:${pad2(l.minute)}` : `${pad2(l.hour)}:${pad2(l.minute)}, ${clocks}`;
    count++;
  }
  const text = `${count} earlier transaction(s) at night (${window}) in the last ${p.windowMinutes} minutes${clocks ? ` (${clocks})` : ''}`;
  if (count >= p.minCount) return hit('nightRepeat', RULE_LABELS.nightRepeat, p.points, `${text}, then this one at ${pad2(t.hour)}:${pad2(t.minute)}`);
  return miss('nightRepeat', RULE_LABELS.nightRepeat, `${text}, below ${p.minCount}`);
}

/** A rule that hit; its points rounded, as integer points keep sums exact even for a fractional weight. */
// The label comes from the call site (RULE_LABELS.amount, …): a lookup by the rule's name in here
// would be one property access seeing eleven keys on every transaction.
function hit(rule: RuleName, label: string, points: number, detail: string): RuleResult {
  const rounded = Math.round(points);
  return { rule, label, hit: true, points: rounded, contribution: rounded / 10_000, detail };
}

function miss(rule: RuleName, label: string, detail: string): RuleResult {
  return { rule, label, hit: false, points: 0, contribution: 0, detail };
}

function alone(points: number, levels: LevelThresholds | undefined): string {
  if (levels && points >= levels.high) return ': high risk on its own';
  if (levels && points >= levels.medium) return ': medium risk on its own';
  let text = pointTexts.get(points);
  if (text === undefined) {
    text = `: +${formatPoints(points)}`;
    if (pointTexts.size > 1000) pointTexts.clear();
    pointTexts.set(points, text);
  }
  return text;
}
/** ": +0.25" per configured weight, made once. */
const pointTexts = new Map<number, string>();

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

/** s.trim().toUpperCase(), answered without either call when s is already upper-case letters only ("KE"). */
export function upperTrimmed(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return s.trim().toUpperCase();
  }
  return s;
}

function normCity(city: string): string {
  return city.trim().toLowerCase();
}

/** Whether the city is among the known ones, compared trimmed and case-blind (an exact match first). */
export function knowsCity(known: ReadonlyArray<string>, city: string): boolean {
  for (let i = 0; i < known.length; i++) if (known[i] === city) return true;
  const norm = normCity(city);
  for (let i = 0; i < known.length; i++) if (normCity(known[i]!) === norm) return true;
  return false;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function pad2(n: number): string {
  return n >= 0 && n < 100 && Number.isInteger(n) ? TWO_DIGITS[n]! : String(n).padStart(2, '0');
}

/** "23:00–06:00" for the off-hours window; remembered for the last window asked. */
let lastWindowStart = NaN;
let lastWindowEnd = NaN;
let lastWindowText = '';
function hoursWindow(start: number, end: number): string {
  if (start !== lastWindowStart || end !== lastWindowEnd) {
    lastWindowText = `${pad2(start)}:00–${pad2(end)}:00`;
    lastWindowStart = start;
    lastWindowEnd = end;
  }
  return lastWindowText;
}
