// What the caller may do with a case, computed on the server from the rules the workflow itself
// applies (decisionRefusal, roleMayDecide in workflows/lifecycle/definitions.ts) and the API's own
// route gates, and sent with every case: the UI shows buttons by these flags and never re-derives
// roles. The workflow's Update validator still has the last word on a decision.
import { z } from 'zod';
import {
  DECISIONS,
  decisionRefusal,
  MAX_ESCALATION_LEVEL,
  roleMayDecide,
  type CaseView,
  type Role,
} from '../../workflows/lifecycle/definitions';
import type { AuthUser } from '../context';
import type { CaseRecord } from './views';

/** The roles whose users work cases: the decision and assignment routes admit them only. */
export const DECIDING_ROLES = ['analyst', 'senior_analyst'] as const satisfies readonly Role[];

export const casePermissionsJson = z
  .object({
    maySendDecision: z.boolean().meta({
      description: 'the decision route admits the caller for this open case (the workflow then applies its rules: see mayDecide)',
    }),
    mayDecide: z.boolean().meta({ description: "the workflow's rules accept at least one decision (approve, block or escalate) from the caller now" }),
    whyNotDecide: z.string().nullable().meta({ description: "the rules' reason when mayDecide is false" }),
    mayTake: z.boolean().meta({ description: 'the caller may take the case (POST /api/cases/{id}/assignment)' }),
    whyNotTake: z.string().nullable().meta({ description: 'why not, when mayTake is false' }),
    mayRelease: z.boolean().meta({ description: 'the caller may give the open case back to the queue (DELETE /api/cases/{id}/assignment)' }),
  })
  .meta({ id: 'CasePermissions', description: 'What the caller may do with the case, computed on the server' });
export type CasePermissions = z.infer<typeof casePermissionsJson>;

export type Caller = Pick<AuthUser, 'username' | 'role'>;

const decides = (role: Role): boolean => (DECIDING_ROLES as readonly Role[]).includes(role);

/** Why the caller may not take the case, or null when they may (a case they hold already: null too). */
export function takeRefusal(row: CaseRecord, caller: Caller): { code: 'conflict' | 'forbidden'; reason: string } | null {
  if (row.status === 'closed') return { code: 'conflict', reason: `case ${row.id} is closed` };
  if (!roleMayDecide(caller.role, row.required_role as Role)) {
    return { code: 'forbidden', reason: `role ${caller.role} may not take case ${row.id}: it needs ${row.required_role}` };
  }
  return null;
}

/** The workflow's view of a case row: what decisionRefusal reads. */
function caseViewOf(row: CaseRecord): CaseView {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    caseId: Number(row.id),
    status: row.status,
    riskLevel: row.risk_level,
    requiredRole: row.required_role as Role,
    escalationLevel: row.escalation_level,
    escalatedBy: row.escalated_by ?? [],
    slaDueAt: iso(row.sla_due_at)!,
    decision: row.decision,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
  };
}

export function casePermissions(row: CaseRecord, caller: Caller): CasePermissions {
  const open = row.status !== 'closed';
  const state = {
    transactionRef: row.transaction_ref,
    stage: open ? ('awaiting_decision' as const) : ('closed' as const),
    status: 'held' as const,
    case: caseViewOf(row),
  };
  const actor = { username: caller.username, role: caller.role };
  // a note, so the rule that block and escalate need one does not speak for the person
  const refusals = DECISIONS.map((decision) => decisionRefusal(state, { decision, note: 'n', actor }, { maxEscalationLevel: MAX_ESCALATION_LEVEL }));
  const mayDecide = decides(caller.role) && refusals.some((r) => r === null);
  const whyNotDecide = mayDecide
    ? null
    : !decides(caller.role) && open
      ? `role ${caller.role} reads cases but does not decide them`
      : (refusals.find((r) => r !== null)?.reason ?? null);

  const refusedTake = decides(caller.role) ? takeRefusal(row, caller) : { reason: `role ${caller.role} does not work cases` };
  const whyNotTake = refusedTake?.reason ?? (row.assignee === caller.username ? `you hold case ${row.id} already` : row.assignee ? `case ${row.id} is already taken by ${row.assignee}` : null);

  return {
    maySendDecision: open && decides(caller.role),
    mayDecide,
    whyNotDecide,
    mayTake: whyNotTake === null,
    whyNotTake,
    mayRelease: open && decides(caller.role) && row.assignee !== null && (row.assignee === caller.username || caller.role === 'senior_analyst'),
  };
}
