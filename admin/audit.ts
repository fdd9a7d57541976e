// The administration audit trail (table admin_events, append-only): every change to users and
// rule sets, every backtest and shadow run, with its actor. Written inside the same database
// transaction as the change itself, so a change without its audit row cannot exist.
import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';

export const ADMIN_SUBJECTS = ['user', 'rule_set', 'backtest', 'shadow_run'] as const;
export type AdminSubject = (typeof ADMIN_SUBJECTS)[number];

/** Every kind of step the trail records: the trail's filter offers exactly these. */
export const ADMIN_EVENT_TYPES = [
  'user_created',
  'user_role_changed',
  'user_renamed',
  'user_disabled',
  'user_enabled',
  'user_password_reset',
  'rule_set_seeded',
  'rule_set_proposed',
  'rule_set_approved',
  'rule_set_rejected',
  'rule_set_superseded',
  'backtest_started',
  'backtest_cancel_requested',
  'backtest_completed',
  'backtest_cancelled',
  'backtest_failed',
  'shadow_run_started',
  'shadow_run_stopped',
  'shadow_scoring_failed',
] as const;
export type AdminEventType = (typeof ADMIN_EVENT_TYPES)[number];

export interface AdminActor {
  username: string;
  role: string | null;
}

export interface AdminEvent {
  id: number;
  subjectType: AdminSubject;
  subjectId: string;
  eventType: string;
  actor: string;
  actorRole: string | null;
  note: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
  /** the step in words, details included (a proposal's changes, a backtest's range …) */
  summary: string;
}

interface AdminEventRow {
  id: string | number;
  subject_type: AdminSubject;
  subject_id: string;
  event_type: string;
  actor: string;
  actor_role: string | null;
  note: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

/** A payload key that could carry a credential: the trail is read by compliance, never holds one. */
const SECRET_KEY = /password|passwd|hash|secret|token/i;

function secretKeyIn(value: unknown): string | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = secretKeyIn(v);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) return k;
      const found = secretKeyIn(v);
      if (found) return found;
    }
  }
  return null;
}

export async function recordAdminEvent(
  db: Knex,
  event: { subjectType: AdminSubject; subjectId: string; eventType: AdminEventType; actor: AdminActor; note?: string | null; payload?: Record<string, unknown> },
): Promise<void> {
  const secret = secretKeyIn(event.payload);
  // a programming error, caught by the tests: the change fails rather than leak into the trail
  if (secret) throw new Error(`admin_events: the payload of ${event.eventType} must not carry "${secret}"`);
  await db('admin_events').insert({
    subject_type: event.subjectType,
    subject_id: event.subjectId,
    event_type: event.eventType,
    actor: event.actor.username,
    actor_role: event.actor.role,
    note: event.note ?? null,
    payload: JSON.stringify(event.payload ?? {}),
  });
}

export interface AdminEventFilter {
  subjectType?: AdminSubject;
  subjectId?: string;
  eventType?: AdminEventType;
  actor?: string;
  /** occurred at or after */
  from?: string;
  /** occurred before */
  to?: string;
}

function filtered(db: Knex, filter: AdminEventFilter): Knex.QueryBuilder<AdminEventRow> {
  const q = db<AdminEventRow>('admin_events');
  if (filter.subjectType) q.where({ subject_type: filter.subjectType });
  if (filter.subjectId) q.where({ subject_id: filter.subjectId });
  if (filter.eventType) q.where({ event_type: filter.eventType });
  if (filter.actor) q.where({ actor: filter.actor });
  if (filter.from) q.where('occurred_at', '>=', filter.from);
  if (filter.to) q.where('occurred_at', '<', filter.to);
  return q;
}

function toEvent(r: AdminEventRow): AdminEvent {
  const event = {
    id: Number(r.id),
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    eventType: r.event_type,
    actor: r.actor,
    actorRole: r.actor_role,
    note: r.note,
    payload: r.payload,
    occurredAt: new Date(r.occurred_at).toISOString(),
  };
  return { ...event, summary: describeAdminEvent(event) };
}

/** One page of the trail, newest first, and how many steps match in all. */
export async function listAdminEvents(db: Knex, filter: AdminEventFilter & { limit?: number; offset?: number } = {}): Promise<{ events: AdminEvent[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    filtered(db, filter)
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 200)
      .offset(filter.offset ?? 0),
    filtered(db, filter).count<{ n: string }[]>('* as n'),
  ]);
  return { events: rows.map(toEvent), total: Number(count?.n ?? 0) };
}

// ------------------------------------------------------------------------------------------------
// in words

const MAX_CHANGES_SAID = 6;
const MAX_VALUE_CHARS = 80;

function said(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** One change of a proposal: a blacklist entry added or removed, or a setting from → to. */
function changeInWords(change: unknown): string {
  const c = (change ?? {}) as { path?: unknown; from?: unknown; to?: unknown };
  const path = str(c.path) ?? '?';
  const merchant = /^blacklist\.merchants\[(.+)\]$/.exec(path)?.[1];
  if (merchant !== undefined) {
    const entry = (c.to ?? c.from) as { merchantName?: unknown; reason?: unknown } | null;
    const name = str(entry?.merchantName);
    const who = name ? `${merchant} (${name})` : merchant;
    if (c.from === null || c.from === undefined) return `blacklist adds merchant ${who}${str(entry?.reason) ? ` (${str(entry?.reason)})` : ''}`;
    if (c.to === null || c.to === undefined) return `blacklist removes merchant ${who}`;
    return `blacklist entry ${who} changes`;
  }
  return `${path} ${said(c.from)} → ${said(c.to)}`;
}

function changesInWords(changes: unknown): string {
  if (!Array.isArray(changes) || changes.length === 0) return 'no change listed';
  const shown = changes.slice(0, MAX_CHANGES_SAID).map(changeInWords);
  const more = changes.length - shown.length;
  return `${changes.length} change${changes.length === 1 ? '' : 's'}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/**
 * The step in a compliance officer's words, with the details that matter (never a credential:
 * none is recorded). Pure: the API's view, the CSV and the tests share it.
 */
export function describeAdminEvent(e: { subjectType: string; subjectId: string; eventType: string; payload: Record<string, unknown> | null }): string {
  const p = e.payload ?? {};
  const id = e.subjectId;
  switch (e.eventType) {
    case 'user_created':
      return `Created user ${id} as ${said(p.role)}${str(p.displayName) ? ` (${str(p.displayName)})` : ''}${str(p.email) ? `, email ${str(p.email)}` : ''}`;
    case 'user_role_changed':
      return `Changed the role of ${id} from ${said(p.from)} to ${said(p.to)}`;
    case 'user_renamed':
      return `Renamed ${id} from “${said(p.from)}” to “${said(p.to)}”`;
    case 'user_disabled':
      return `Disabled the account of ${id} (their sessions ended at once)`;
    case 'user_enabled':
      return `Re-enabled the account of ${id}`;
    case 'user_password_reset':
      return `Reset the password of ${id}`;
    case 'rule_set_seeded':
      return `Rule set version ${id} seeded from the environment`;
    case 'rule_set_proposed':
      return `${p.promotedFrom !== undefined ? `Promoted version ${said(p.promotedFrom)} as version ${id}` : `Proposed version ${id}`} against live version ${said(p.baseVersion)}: ${changesInWords(p.changes)}`;
    case 'rule_set_approved':
      return `Approved version ${id}: live from then on${p.supersedes !== null && p.supersedes !== undefined ? `, replacing version ${said(p.supersedes)}` : ''}`;
    case 'rule_set_superseded':
      return `Version ${id} superseded by version ${said(p.by)}`;
    case 'rule_set_rejected':
      return `Rejected version ${id}`;
    case 'backtest_started': {
      const candidate = p.control === true ? `a control run of live rule set ${said(p.ruleSetVersion)}` : `a backtest of rule set ${said(p.ruleSetVersion)}`;
      const model = p.modelVersion !== null && p.modelVersion !== undefined ? ` with model ${said(p.modelVersion)}` : '';
      return `Started ${candidate}${model}, transactions from ${said(p.from)} to ${said(p.to)}`;
    }
    case 'backtest_cancel_requested':
      return 'Asked the backtest to stop';
    case 'backtest_completed':
      return `Backtest completed: ${said(p.transactions)} transactions re-scored, ${said(p.changed)} change level`;
    case 'backtest_cancelled':
      return 'Backtest cancelled';
    case 'backtest_failed':
      return 'Backtest failed';
    case 'shadow_run_started':
      return `Put rule set version ${said(p.ruleSetVersion)} in shadow${str(p.endsAt) ? ` until ${str(p.endsAt)}` : ' until stopped'}`;
    case 'shadow_run_stopped':
      return 'Stopped the shadow run';
    case 'shadow_scoring_failed':
      return `The candidate could not score transaction ${said(p.transactionRef)} (the first failure; later ones are counted on the run)`;
    default:
      return `${e.eventType.replace(/_/g, ' ')} (${e.subjectType.replace(/_/g, ' ')} ${id})`;
  }
}

export const ADMIN_EVENTS_CSV_COLUMNS = ['occurred_at', 'actor', 'actor_role', 'event_type', 'subject_type', 'subject_id', 'summary', 'note', 'event_id'] as const;

/** The trail as CSV: one row per step, in the words of the page (formulas escaped: notes are typed by people). */
export function adminEventsCsv(events: AdminEvent[]): string {
  const records = events.map((e) => [e.occurredAt, e.actor, e.actorRole ?? '', e.eventType, e.subjectType, e.subjectId, e.summary, e.note ?? '', e.id]);
  return stringify(records, { header: true, columns: [...ADMIN_EVENTS_CSV_COLUMNS], escape_formulas: true });
}
