// Reads of the database audit trail: case_events (append-only) with the transaction and case they
// belong to. Read-only queries; nothing here writes.
import type { Knex } from 'knex';
import type { AuditCase, AuditTransaction, DecisionRecord } from './views';

export interface CaseEventRow {
  id: number;
  eventKey: string;
  transactionRef: string;
  caseId: number | null;
  eventType: string;
  actor: string;
  actorRole: string | null;
  note: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export type { AuditCase, AuditTransaction, DecisionRecord } from './views';

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

/** The key the lifecycle workflow gives each audit row: "<workflowId>:<seq>". */
export function seqOfEventKey(eventKey: string, workflowId: string): number | null {
  const prefix = `${workflowId}:`;
  if (!eventKey.startsWith(prefix)) return null;
  const seq = Number(eventKey.slice(prefix.length));
  return Number.isInteger(seq) ? seq : null;
}

export async function loadCaseEvents(db: Knex, transactionRef: string): Promise<CaseEventRow[]> {
  const rows = await db('case_events').where({ transaction_ref: transactionRef }).orderBy('id', 'asc');
  return rows.map((r) => ({
    id: Number(r.id),
    eventKey: r.event_key,
    transactionRef: r.transaction_ref,
    caseId: r.case_id === null ? null : Number(r.case_id),
    eventType: r.event_type,
    actor: r.actor,
    actorRole: r.actor_role,
    note: r.note,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) ?? {},
    occurredAt: iso(r.occurred_at),
  }));
}

export async function loadAuditSubject(db: Knex, transactionRef: string): Promise<{ transaction: AuditTransaction | null; case: AuditCase | null }> {
  const [t, c] = await Promise.all([
    db('transactions').where({ transaction_ref: transactionRef }).first(),
    db('analyst_cases').where({ transaction_ref: transactionRef }).first(),
  ]);
  return {
    transaction: t
      ? {
          transactionRef: t.transaction_ref,
          customerId: t.customer_id,
          accountId: t.account_id,
          amount: String(t.amount),
          currency: t.currency,
          type: t.txn_type,
          channel: t.channel,
          merchantName: t.merchant_name,
          city: t.city,
          country: t.country,
          occurredAt: iso(t.occurred_at),
          status: t.status,
          riskScore: t.risk_score === null ? null : String(t.risk_score),
          riskLevel: t.risk_level,
          modelVersion: t.model_version,
          workflowId: t.workflow_id,
          receivedAt: iso(t.received_at),
          closedAt: isoOrNull(t.closed_at),
        }
      : null,
    case: c
      ? {
          caseId: Number(c.id),
          status: c.status,
          riskLevel: c.risk_level,
          escalationLevel: Number(c.escalation_level),
          escalatedBy: c.escalated_by ?? [],
          assignee: c.assignee,
          decision: c.decision,
          decidedBy: c.decided_by,
          decidedAt: isoOrNull(c.decided_at),
          decisionNote: c.decision_note,
          openedAt: iso(c.opened_at),
          slaDueAt: iso(c.sla_due_at),
        }
      : null,
  };
}

/** Audit events that are decisions about a transaction, by a person or by the system. */
export const DECISION_EVENT_TYPES = ['auto_approved', 'approved', 'blocked', 'escalated', 'sla_escalated', 'decision_refused'] as const;

const DECISION_OF: Record<(typeof DECISION_EVENT_TYPES)[number], string> = {
  auto_approved: 'auto_approve',
  approved: 'approve',
  blocked: 'block',
  escalated: 'escalate',
  sla_escalated: 'escalate',
  decision_refused: 'refused',
};

export interface DecisionQuery {
  /** inclusive */
  from: Date;
  /** exclusive */
  to: Date;
  /** at most this many rows (the report says when it was cut) */
  limit: number;
  /** rows skipped first, for a page after the first (default 0) */
  offset?: number;
}

/** Every decision recorded in [from, to), oldest first, with its actor and the transaction's facts. */
export async function loadDecisions(db: Knex, q: DecisionQuery): Promise<{ decisions: DecisionRecord[]; truncated: boolean }> {
  const rows = await decisionEvents(db, q)
    .leftJoin('transactions as t', 't.transaction_ref', 'e.transaction_ref')
    .orderBy([
      { column: 'e.occurred_at', order: 'asc' },
      { column: 'e.id', order: 'asc' },
    ])
    .limit(q.limit + 1)
    .offset(q.offset ?? 0)
    .select(
      'e.id',
      'e.occurred_at',
      'e.transaction_ref',
      'e.case_id',
      'e.event_type',
      'e.actor',
      'e.actor_role',
      'e.note',
      'e.payload',
      't.amount',
      't.currency',
      't.risk_level',
      't.risk_score',
      't.status as transaction_status',
      't.workflow_id',
    );
  const truncated = rows.length > q.limit;
  const decisions = rows.slice(0, q.limit).map((r): DecisionRecord => {
    const payload = ((typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) ?? {}) as Record<string, unknown>;
    return {
      eventId: Number(r.id),
      occurredAt: iso(r.occurred_at),
      transactionRef: r.transaction_ref,
      caseId: r.case_id === null ? null : Number(r.case_id),
      decision: DECISION_OF[r.event_type as keyof typeof DECISION_OF] ?? r.event_type,
      eventType: r.event_type,
      actor: r.actor,
      actorRole: r.actor_role,
      note: r.note,
      requested: r.event_type === 'decision_refused' && typeof payload.decision === 'string' ? payload.decision : null,
      reason: typeof payload.reason === 'string' ? payload.reason : null,
      amount: r.amount === null || r.amount === undefined ? null : String(r.amount),
      currency: r.currency ?? null,
      riskLevel: r.risk_level ?? null,
      riskScore: r.risk_score === null || r.risk_score === undefined ? null : String(r.risk_score),
      escalationLevel: typeof payload.escalationLevel === 'number' ? payload.escalationLevel : null,
      transactionStatus: r.transaction_status ?? null,
      workflowId: r.workflow_id ?? null,
    };
  });
  return { decisions, truncated };
}

/** The decision events of a period (from inclusive, to exclusive). */
function decisionEvents(db: Knex, q: Pick<DecisionQuery, 'from' | 'to'>) {
  return db('case_events as e').whereIn('e.event_type', [...DECISION_EVENT_TYPES]).where('e.occurred_at', '>=', q.from).where('e.occurred_at', '<', q.to);
}

/** How many decisions a period holds: the pages' total. */
export async function countDecisions(db: Knex, q: Pick<DecisionQuery, 'from' | 'to'>): Promise<number> {
  const [row] = await decisionEvents(db, q).count<{ count: string | number }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}
