// A rule set's content as the admin pages show and edit it: grouped per rule, each setting with a
// label in the bank's words and its unit. The groups are read from the content itself (as the
// server derives its schema from the configuration), so a parameter added to a rule shows up here
// without a change; only its label and unit come from the tables below.
import type { BlacklistEntry, RuleSetContentView } from './api/admin';
import { formatKes, formatMinutes, ruleLabel } from './format';

/** How a setting is shown and typed in. */
export type FieldKind = 'switch' | 'points' | 'kes' | 'hour' | 'minutes' | 'duration' | 'fraction' | 'count' | 'number' | 'text' | 'types' | 'words' | 'channels' | 'modelVersion';

export interface RuleSetField {
  /** where it lives in the content, as the API names it: scoring.levels.medium */
  path: string;
  label: string;
  kind: FieldKind;
  /** a unit or a hint after the input: "score 0.00–1.00", "KES", "hours" */
  unit: string;
}

export interface RuleSetGroup {
  id: string;
  title: string;
  fields: RuleSetField[];
}

export type ChannelWeights = Record<string, { amount: number; points: number }>;

/** Labels by `rule.key`, then by key alone. */
const LABELS: Record<string, string> = {
  enabled: 'Rule in use',
  points: 'Points when it hits',
  'amount.highAmount': 'High amount from',
  'amount.highPoints': 'Points for a high amount',
  'amount.elevatedAmount': 'Elevated amount from',
  'amount.elevatedPoints': 'Points for an elevated amount',
  'typeAmount.amount': 'Amount from',
  types: 'Transaction types it applies to',
  multiple: "Times the customer's median amount",
  minHistory: 'Earlier transactions needed',
  keywords: 'Words in the merchant name',
  homeCountry: 'Home country (ISO 3166 code)',
  foreignPoints: 'Points abroad, in a country the customer used before',
  firstSeenCountryPoints: 'Points abroad, in a country the customer never used',
  unusualCityPoints: 'Points in a city the customer never used',
  timeZone: 'Time zone',
  startHour: 'Off-hours start at',
  endHour: 'Off-hours end at',
  weights: 'Amount from which each channel adds points',
  windowMinutes: 'Time window',
  'velocity.maxCount': 'Earlier transactions allowed in the window',
  minCount: 'Earlier transactions in the window',
  'anomaly.enabled': 'Anomaly model in use',
  'anomaly.points': 'Points for a full-strength outlier',
  'anomaly.threshold': 'Anomaly score from which points are added',
  'anomaly.saturation': 'Anomaly score that adds the full points',
  'levels.medium': 'Medium risk from',
  'levels.high': 'High risk from',
  anomalyModelVersion: 'Model version',
  'tazama.alertPoints': 'Points a Tazama alert adds',
  'sla.mediumMs': 'Time to decide a medium-risk case',
  'sla.highMs': 'Time to decide a high-risk case',
  'sla.escalatedMs': 'Time for each escalation step',
};

function kindOf(group: string, key: string, value: unknown): FieldKind {
  if (group === 'levels') return 'points';
  if (key === 'enabled' || typeof value === 'boolean') return 'switch';
  if (key === 'types') return 'types';
  if (key === 'keywords') return 'words';
  if (key === 'weights') return 'channels';
  if (key === 'anomalyModelVersion') return 'modelVersion';
  if (/points$/i.test(key)) return 'points';
  if (/amount$/i.test(key)) return 'kes';
  if (/Hour$/.test(key)) return 'hour';
  if (/Minutes$/.test(key)) return 'minutes';
  if (/Ms$/.test(key)) return 'duration';
  if (key === 'threshold' || key === 'saturation') return 'fraction';
  if (/count$|History$/i.test(key)) return 'count';
  if (typeof value === 'number') return 'number';
  return 'text';
}

const UNITS: Record<FieldKind, string> = {
  switch: '',
  points: 'score 0.00–1.00',
  kes: 'KES',
  hour: 'hour of the day, 0–23',
  minutes: 'minutes',
  duration: 'hours',
  fraction: '0.00–1.00',
  count: 'transactions',
  number: '',
  text: '',
  types: '',
  words: '',
  channels: '',
  modelVersion: 'empty: the newest trained model',
};

function field(path: string, group: string, key: string, value: unknown): RuleSetField {
  const kind = kindOf(group, key, value);
  const label = LABELS[`${group}.${key}`] ?? LABELS[key] ?? key;
  return { path, label, kind, unit: key === 'multiple' ? '×' : UNITS[kind] };
}

function fieldsOf(object: Record<string, unknown>, prefix: string, group: string): RuleSetField[] {
  return Object.entries(object).map(([key, value]) => field(`${prefix}.${key}`, group, key, value));
}

/** The content's settings, grouped: each rule, the anomaly model, the risk levels, Tazama, the SLA times. */
export function ruleSetGroups(content: RuleSetContentView): RuleSetGroup[] {
  const rules = Object.entries(content.scoring.rules).map(([rule, params]) => ({
    id: rule,
    title: ruleLabel(rule),
    fields: fieldsOf(params, `scoring.rules.${rule}`, rule),
  }));
  return [
    { id: 'levels', title: 'Risk levels', fields: fieldsOf(content.scoring.levels as unknown as Record<string, unknown>, 'scoring.levels', 'levels') },
    ...rules,
    {
      id: 'anomaly',
      title: 'Anomaly model',
      fields: [...fieldsOf(content.scoring.anomaly, 'scoring.anomaly', 'anomaly'), field('anomalyModelVersion', '', 'anomalyModelVersion', content.anomalyModelVersion)],
    },
    { id: 'tazama', title: 'Tazama', fields: fieldsOf(content.tazama, 'tazama', 'tazama') },
    { id: 'sla', title: 'Time to decide (SLA)', fields: fieldsOf(content.sla, 'sla', 'sla') },
  ];
}

/** The value at `path` (dots only: the fields above never index into a list). */
export function valueAt(content: RuleSetContentView, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), content);
}

export function setValueAt(content: RuleSetContentView, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, content as unknown as Record<string, unknown>);
  parent[last] = value;
}

/** A number as the input shows it: points as a 0.00–1.00 score, durations in hours. */
export function toInput(kind: FieldKind, value: unknown): number | string {
  if (typeof value !== 'number') return '';
  if (kind === 'points') return value / 10_000;
  if (kind === 'duration') return value / 3_600_000;
  return value;
}

/**
 * What the input holds, as the content stores it. An empty or unreadable input becomes null, so the
 * server's check names the field (a number is required) rather than the page guessing.
 */
export function fromInput(kind: FieldKind, typed: string): number | null {
  if (typed.trim() === '') return null;
  const n = Number(typed);
  if (!Number.isFinite(n)) return null;
  if (kind === 'points') return Math.round(n * 10_000);
  if (kind === 'duration') return Math.round(n * 3_600_000);
  return n;
}

const score = (points: number) => (points / 10_000).toFixed(points % 100 === 0 ? 2 : 4);

/** A setting as the read-only view shows it. */
export function formatSetting(kind: FieldKind, value: unknown): string {
  if (value === null || value === undefined) return kind === 'modelVersion' ? 'the newest trained model' : '—';
  switch (kind) {
    case 'switch':
      return value ? 'On' : 'Off';
    case 'points':
      return score(Number(value));
    case 'kes':
      return formatKes(Number(value));
    case 'hour':
      return `${String(value).padStart(2, '0')}:00`;
    case 'minutes':
      return formatMinutes(Number(value));
    case 'duration':
      return formatMinutes(Number(value) / 60_000);
    case 'fraction':
      return Number(value).toFixed(2);
    case 'count':
      return `${String(value)} ${value === 1 ? 'transaction' : 'transactions'}`;
    case 'modelVersion':
      return `version ${String(value)}`;
    case 'types':
    case 'words':
      return (value as string[]).length > 0 ? (value as string[]).join(', ') : 'none';
    case 'channels': {
      const entries = Object.entries(value as ChannelWeights);
      return entries.length > 0 ? entries.map(([channel, w]) => `${channel}: from ${formatKes(w.amount)} adds ${score(w.points)}`).join('; ') : 'none';
    }
    default:
      return String(value);
  }
}

/** The content with one more blacklisted merchant: the editor's list and the shortcut form both add this way. */
export function withBlacklistEntry(content: RuleSetContentView, entry: BlacklistEntry): RuleSetContentView {
  const next = cloneContent(content);
  const name = entry.merchantName?.trim();
  next.blacklist.merchants.push({ merchantId: entry.merchantId.trim(), ...(name ? { merchantName: name } : {}), reason: entry.reason.trim() });
  return next;
}

/** A deep copy that shares nothing with the original (reactive proxies included). */
export function cloneContent(content: RuleSetContentView): RuleSetContentView {
  return JSON.parse(JSON.stringify(content)) as RuleSetContentView;
}

/** The id of a setting's input, from its path: rs-scoring-levels-medium, rs-blacklist-merchants-2-reason. */
export function inputId(path: string): string {
  return `rs-${path.replace(/[.[\]]+/g, '-').replace(/-$/, '')}`;
}

const SECTION_TITLES: Record<string, string> = { levels: 'Risk levels', anomaly: 'Anomaly model', anomalyModelVersion: 'Anomaly model', tazama: 'Tazama', sla: 'Time to decide (SLA)' };

/** A changed setting in words, from the diff's path: its group, its label, and how to show its values. */
export function describeChange(change: { path: string; from?: unknown; to?: unknown }): { title: string; label: string; from: string; to: string } {
  const entry = /^blacklist\.merchants\[(.*)\]$/.exec(change.path);
  if (entry) {
    const show = (m: unknown) => (m && typeof m === 'object' ? `${(m as BlacklistEntry).merchantName ?? 'listed'}: ${(m as BlacklistEntry).reason}` : 'not listed');
    return { title: 'Blacklisted merchants', label: entry[1]!, from: show(change.from), to: show(change.to) };
  }
  const keys = change.path.split('.');
  const key = keys.at(-1)!;
  const rule = keys[0] === 'scoring' && keys[1] === 'rules' ? keys[2]! : null;
  const group = rule ?? (keys[0] === 'scoring' ? keys[1]! : keys[0]!);
  const f = field(change.path, group, key, change.to ?? change.from);
  return { title: rule ? ruleLabel(rule) : (SECTION_TITLES[group] ?? group), label: f.label, from: formatSetting(f.kind, change.from), to: formatSetting(f.kind, change.to) };
}
