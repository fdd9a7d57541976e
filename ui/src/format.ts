// Display helpers shared by views. Amounts arrive as decimal strings and are only formatted,
// never used in arithmetic.
import type { Role } from './api/types';

const ROLE_LABELS: Record<Role, string> = {
  analyst: 'Analyst',
  senior_analyst: 'Senior analyst',
  compliance: 'Compliance',
  admin: 'Administrator',
};

export function roleLabel(role: Role | string): string {
  return ROLE_LABELS[role as Role] ?? role;
}

const kes = new Intl.NumberFormat('en-KE', { style: 'currency', currency: 'KES', maximumFractionDigits: 2 });

export function formatKes(amount: string | number): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  return Number.isFinite(value) ? kes.format(value) : String(amount);
}

export function formatScore(score: string | number | null): string {
  if (score === null) return '—';
  const value = typeof score === 'number' ? score : Number(score);
  return Number.isFinite(value) ? value.toFixed(2) : String(score);
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "in 3 hours", "12 minutes ago": how far `iso` is from `now`. */
export function formatRelative(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '';
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(ms / 3_600_000);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(ms / 86_400_000), 'day');
}

export function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatPercent(share: number | null, digits = 0): string {
  return share === null || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(digits)}%`;
}

export function formatMinutes(minutes: number | null): string {
  if (minutes === null || !Number.isFinite(minutes)) return '—';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const h = Math.floor(minutes / 60);
  return `${h} h ${Math.round(minutes - h * 60)} min`;
}

const count = new Intl.NumberFormat('en-KE');

export function formatCount(value: number): string {
  return count.format(value);
}

// the scoring code's labels (risk/rules.ts RULE_LABELS; a UI test keeps the two the same)
const RULE_LABELS: Record<string, string> = {
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

/** A rule's name as analysts know it. */
export function ruleLabel(rule: string): string {
  return RULE_LABELS[rule] ?? humanize(rule);
}

/** Today's date (YYYY-MM-DD) in the bank's time zone, shifted by `days`. */
export function bankDate(days = 0, now: number = Date.now()): string {
  const d = new Date(now + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

const instant = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** Date and time to the second: audit readers compare steps seconds apart. */
export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : instant.format(date);
}

/**
 * The instant a bank day (YYYY-MM-DD, shifted by `days`) starts, as ISO 8601 with the bank's
 * offset. Nairobi keeps UTC+3 all year (no daylight saving), so the offset is a constant.
 */
export function bankDayStart(date: string, days = 0): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) return date;
  return `${new Date(ms + days * 86_400_000).toISOString().slice(0, 10)}T00:00:00+03:00`;
}
