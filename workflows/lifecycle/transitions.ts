// A case's transitions as pure functions: escalation (by an analyst or by the SLA — one rule, two
// actors), the SLA breach at the top of the ladder, and closing with a decision. No Temporal, no
// clock: the workflow passes the time in and persists what comes out, so each transition is tested
// directly (test/lifecycle/transitions.test.ts).
import {
  requiredRoleFor,
  type CasePolicy,
  type CaseView,
  type DecisionInput,
  type TransactionStatus,
} from './definitions';

/** Who the SLA timers name in the audit trail. */
export const SLA_ACTOR = 'system:sla';

/** An audit event before the workflow numbers and timestamps it. */
export interface EventDraft {
  type: string;
  actor: string;
  actorRole: string | null;
  note: string | null;
  details?: Record<string, unknown>;
}

/** Who hears of a transition, and what they are told. */
export interface CaseNotice {
  kind: string;
  recipientRole: string;
  subject: string;
  body: string;
}

/** A case snapshot to persist with its audit event (and a notification when someone must act). */
export interface CaseTransition {
  next: CaseView;
  event: EventDraft;
  notify?: CaseNotice;
}

/** A decision's note as recorded: trimmed, and null when empty. */
export function decisionNote(decision: Pick<DecisionInput, 'note'>): string | null {
  return decision.note?.trim() || null;
}

/** The case a routing opens: assigned at level 0 to the role its risk level needs. */
export function openedCase(caseId: number, riskLevel: CaseView['riskLevel'], slaDueAt: string): CaseView {
  return {
    caseId,
    status: 'assigned',
    riskLevel,
    requiredRole: requiredRoleFor(riskLevel, 0),
    escalationLevel: 0,
    escalatedBy: [],
    slaDueAt,
    decision: null,
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
  };
}

/**
 * One level up the ladder, whoever asks: the role the new level needs and a fresh (escalated) SLA.
 * A person who escalates is remembered (four-eyes: they may not decide the case afterwards).
 */
export function escalated(current: CaseView, at: Date, slaMs: CasePolicy['slaMs'], escalatedBy?: string): CaseView {
  const level = current.escalationLevel + 1;
  return {
    ...current,
    status: 'escalated',
    escalationLevel: level,
    requiredRole: requiredRoleFor(current.riskLevel, level),
    escalatedBy: escalatedBy === undefined ? current.escalatedBy : [...current.escalatedBy, escalatedBy],
    slaDueAt: new Date(at.getTime() + slaMs.escalated).toISOString(),
  };
}

/** An analyst escalates: the next level's role is told, with the analyst's note. */
export function escalateByAnalyst(current: CaseView, decision: DecisionInput, at: Date, policy: Pick<CasePolicy, 'slaMs'>, transactionRef: string): CaseTransition {
  const note = decisionNote(decision);
  const next = escalated(current, at, policy.slaMs, decision.actor.username);
  return {
    next,
    event: { type: 'escalated', actor: decision.actor.username, actorRole: decision.actor.role, note, details: { escalationLevel: next.escalationLevel, requestId: decision.requestId } },
    notify: {
      kind: 'case_escalated',
      recipientRole: next.requiredRole,
      subject: `Case ${current.caseId} escalated to level ${next.escalationLevel}`,
      body: `${decision.actor.username} escalated the ${current.riskLevel}-risk case for transaction ${transactionRef}: ${note}`,
    },
  };
}

/** The SLA escalates an undecided case; at the top level the admins are told as well. */
export function escalateBySla(current: CaseView, at: Date, policy: Pick<CasePolicy, 'slaMs' | 'maxEscalationLevel'>, transactionRef: string): CaseTransition {
  const next = escalated(current, at, policy.slaMs);
  const level = next.escalationLevel;
  return {
    next,
    event: { type: 'sla_escalated', actor: SLA_ACTOR, actorRole: null, note: `not decided by ${current.slaDueAt}`, details: { escalationLevel: level, missedDueAt: current.slaDueAt } },
    notify: {
      kind: 'sla_escalation',
      recipientRole: level >= policy.maxEscalationLevel ? 'admin' : next.requiredRole,
      subject: `SLA missed: case ${current.caseId} escalated to level ${level}`,
      body: `The ${current.riskLevel}-risk case for transaction ${transactionRef} was not decided by ${current.slaDueAt}.`,
    },
  };
}

/** Past the last SLA at the top of the ladder: the case is unchanged, the breach is recorded once and the admins told. */
export function breachSla(current: CaseView, transactionRef: string): CaseTransition {
  return {
    next: current,
    event: { type: 'sla_breached', actor: SLA_ACTOR, actorRole: null, note: `still undecided at the top of the escalation ladder (due ${current.slaDueAt})`, details: { escalationLevel: current.escalationLevel } },
    notify: {
      kind: 'sla_breach',
      recipientRole: 'admin',
      subject: `SLA breached: case ${current.caseId} is still undecided`,
      body: `The ${current.riskLevel}-risk case for transaction ${transactionRef} is past its last SLA (${current.slaDueAt}).`,
    },
  };
}

/** What a missed SLA does: escalate while the ladder has a level left, then record the breach once. */
export function slaAction(current: CaseView, policy: Pick<CasePolicy, 'maxEscalationLevel'>, breachRecorded: boolean): 'escalate' | 'breach' | null {
  if (current.escalationLevel < policy.maxEscalationLevel) return 'escalate';
  return breachRecorded ? null : 'breach';
}

/** Nothing is left for the SLA to do: the top level is reached and its breach recorded. */
export function slaLadderDone(current: CaseView, policy: Pick<CasePolicy, 'maxEscalationLevel'>, breachRecorded: boolean): boolean {
  return slaAction(current, policy, breachRecorded) === null;
}

/** An analyst approves or blocks: the case closes with the decision, the transaction with its status. */
export function closeByAnalyst(current: CaseView, decision: DecisionInput, at: Date): CaseTransition & { outcome: 'approve' | 'block'; transactionStatus: TransactionStatus } {
  const outcome = decision.decision === 'approve' ? 'approve' : 'block';
  const note = decisionNote(decision);
  return {
    outcome,
    transactionStatus: outcome === 'approve' ? 'approved' : 'blocked',
    next: { ...current, status: 'closed', decision: outcome, decidedBy: decision.actor.username, decidedAt: at.toISOString(), decisionNote: note },
    event: { type: outcome === 'approve' ? 'approved' : 'blocked', actor: decision.actor.username, actorRole: decision.actor.role, note, details: { requestId: decision.requestId } },
  };
}
