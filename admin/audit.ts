// The administration audit trail (table admin_events, append-only): every change to users and
// rule sets, with its actor. Written inside the same database transaction as the change itself,
// so a change without its audit row cannot exist.
import type { Knex } from 'knex';

export type AdminSubject = 'user' | 'rule_set' | 'backtest' | 'shadow_run';

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

export async function recordAdminEvent(
  db: Knex,
  event: { subjectType: AdminSubject; subjectId: string; eventType: string; actor: AdminActor; note?: string | null; payload?: Record<string, unknown> },
): Promise<void> {
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

export async function listAdminEvents(db: Knex, filter: { subjectType?: AdminSubject; subjectId?: string; limit?: number } = {}): Promise<AdminEvent[]> {
  const q = db<AdminEventRow>('admin_events').orderBy('id', 'desc').limit(filter.limit ?? 200);
  if (filter.subjectType) q.where({ subject_type: filter.subjectType });
  if (filter.subjectId) q.where({ subject_id: filter.subjectId });
  const rows = await q;
  return rows.map((r) => ({
    id: Number(r.id),
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    eventType: r.event_type,
    actor: r.actor,
    actorRole: r.actor_role,
    note: r.note,
    payload: r.payload,
    occurredAt: new Date(r.occurred_at).toISOString(),
  }));
}
