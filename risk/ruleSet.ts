// A rule set: the whole scoring configuration as one immutable, numbered version — rule weights
// and thresholds, level thresholds, the merchant blacklist (ids; name patterns are the keyword
// rule's words), the anomaly model in use, Tazama's alert weight and the SLA times per level.
// Pure: the store (admin/ruleSets.ts) keeps versions in PostgreSQL, scoring reads them.
import { z } from 'zod';
import { CHANNELS, TRANSACTION_TYPES, type ScoringPolicy } from './types';
import { MAX_POINTS } from './score';

export interface BlacklistedMerchantEntry {
  merchantId: string;
  merchantName?: string;
  reason: string;
}

export interface RuleSetContent {
  /** rule weights and thresholds, anomaly contribution, level thresholds (the scoring policy) */
  scoring: ScoringPolicy;
  /** explicit merchants the bank refuses to trust */
  blacklist: { merchants: BlacklistedMerchantEntry[] };
  /** the anomaly model version scoring uses; null = the newest trained model */
  anomalyModelVersion: number | null;
  /** what an ALRT from Tazama adds, in basis points */
  tazama: { alertPoints: number };
  /** time to decide per level, and per escalation step */
  sla: { mediumMs: number; highMs: number; escalatedMs: number };
}

type Path = string;
const points = z.number().int('must be whole basis points').min(0, 'must be at least 0').max(MAX_POINTS, `must be at most ${MAX_POINTS}`);
const hour = z.number().int('must be a whole hour').min(0, 'must be 0–23').max(23, 'must be 0–23');
const slaMs = z.number().int('must be whole milliseconds').min(1_000, 'must be at least 1000 (one second)').max(366 * 86_400_000, 'must be at most 366 days');
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parameters whose meaning a structural copy of the defaults cannot know. */
const OVERRIDES: Record<Path, z.ZodType> = {
  'scoring.rules.typeAmount.types': z.array(z.enum(TRANSACTION_TYPES)),
  'scoring.rules.customerAmount.types': z.array(z.enum(TRANSACTION_TYPES)),
  'scoring.rules.channel.weights': z.partialRecord(z.enum(CHANNELS), z.strictObject({ amount: z.number().min(0), points })),
  'scoring.rules.offHours.startHour': hour,
  'scoring.rules.offHours.endHour': hour,
  'scoring.rules.location.homeCountry': z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code'),
  'scoring.rules.merchantKeyword.keywords': z.array(z.string().trim().min(1, 'must not be empty').max(64)).max(200),
  'scoring.anomaly.threshold': fraction,
  'scoring.anomaly.saturation': fraction,
  'scoring.levels.medium': points,
  'scoring.levels.high': points,
  'blacklist.merchants': z
    .array(
      z.strictObject({
        merchantId: z.string().trim().min(1, 'must not be empty').max(64),
        merchantName: z.string().trim().min(1).max(200).optional(),
        reason: z.string().trim().min(1, 'must say why').max(500),
      }),
    )
    .max(10_000),
  'scoring.rules.offHours.timeZone': z.string().refine(isTimeZone, 'must be an IANA time zone (e.g. Africa/Nairobi)'),
  anomalyModelVersion: z.number().int('must be a whole number').positive('must be positive').max(2_147_483_647, 'is not a version number').nullable(),
  'tazama.alertPoints': points,
  // the lifecycle adds these to the clock: beyond a year the due date is no date at all
  'sla.mediumMs': slaMs,
  'sla.highMs': slaMs,
  'sla.escalatedMs': slaMs,
};

/**
 * The zod schema of a rule set's content, derived from an example (the configuration's current
 * content): every key the scoring configuration has is required with the same kind of value, so a
 * rule parameter added to the configuration is part of rule sets without touching this file.
 * Points are whole basis points (0–10 000); the OVERRIDES give the rest their meaning.
 */
export function ruleSetContentSchema(example: RuleSetContent): z.ZodType<RuleSetContent> {
  const derive = (value: unknown, path: string): z.ZodType => {
    const override = OVERRIDES[path];
    if (override) return override;
    const key = path.split('.').at(-1) ?? '';
    if (typeof value === 'boolean') return z.boolean();
    if (typeof value === 'number') return /points$/i.test(key) ? points : z.number().finite().min(0, 'must be at least 0');
    if (typeof value === 'string') return z.string().min(1, 'must not be empty').max(200);
    if (Array.isArray(value)) return z.array(value.length > 0 ? derive(value[0], `${path}[]`) : z.unknown());
    if (value && typeof value === 'object') {
      return z.strictObject(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, derive(v, path ? `${path}.${k}` : k)])));
    }
    if (value === null) return z.null();
    return z.unknown();
  };
  return (derive(example, '') as z.ZodType<RuleSetContent>).superRefine((c, ctx) => {
    if (c.scoring.levels.medium >= c.scoring.levels.high) {
      ctx.addIssue({ code: 'custom', path: ['scoring', 'levels', 'medium'], message: 'must be below scoring.levels.high' });
    }
    if (c.scoring.anomaly.saturation <= c.scoring.anomaly.threshold) {
      ctx.addIssue({ code: 'custom', path: ['scoring', 'anomaly', 'saturation'], message: 'must be above scoring.anomaly.threshold' });
    }
    const ids = new Set<string>();
    c.blacklist.merchants.forEach((m, i) => {
      if (ids.has(m.merchantId)) ctx.addIssue({ code: 'custom', path: ['blacklist', 'merchants', i, 'merchantId'], message: `${m.merchantId} is listed twice` });
      ids.add(m.merchantId);
    });
  });
}

export interface RuleSetChange {
  /** e.g. `scoring.levels.medium`, `blacklist.merchants[M-90007]` */
  path: string;
  from: unknown;
  to: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value as JSON with every object's keys in one order: a version read back from PostgreSQL
 * (jsonb orders keys its own way) equals the same content parsed from a request.
 */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

/** What changes from `from` to `to`, leaf by leaf; blacklist entries are compared by merchant id. */
export function diffRuleSets(from: RuleSetContent, to: RuleSetContent): RuleSetChange[] {
  const out: RuleSetChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (path === 'blacklist.merchants') {
      const before = new Map((a as BlacklistedMerchantEntry[]).map((m) => [m.merchantId, m]));
      const after = new Map((b as BlacklistedMerchantEntry[]).map((m) => [m.merchantId, m]));
      for (const [id, m] of after) if (canonical(before.get(id)) !== canonical(m)) out.push({ path: `${path}[${id}]`, from: before.get(id) ?? null, to: m });
      for (const [id, m] of before) if (!after.has(id)) out.push({ path: `${path}[${id}]`, from: m, to: null });
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (canonical(a) !== canonical(b)) out.push({ path, from: a ?? null, to: b ?? null });
  };
  walk(from, to, '');
  return out;
}

/**
 * A stored version's content read with the current configuration underneath: a parameter added to
 * the scoring configuration after the version was written takes its configured value, so older
 * versions keep scoring after an upgrade. Keys the version has always win.
 */
export function withDefaults(stored: unknown, defaults: RuleSetContent): RuleSetContent {
  // a map keyed by data (channel → weight) is one value: a channel the version left out stays out
  const merge = (base: unknown, over: unknown, key = ''): unknown => {
    if (isObject(base) && isObject(over) && key !== 'weights') {
      return Object.fromEntries([...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [k, k in over ? merge(base[k], over[k], k) : base[k]]));
    }
    return over === undefined ? base : over;
  };
  return merge(defaults, stored) as RuleSetContent;
}
