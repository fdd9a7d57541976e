// Messages, IDs and view types of the transaction lifecycle workflow. The workflow, the API and the
// tests import this file; the API imports the workflow function only as a type.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { RiskLevel, ScoreBreakdown, Transaction } from '../../risk/types';
import type { TazamaEvaluation } from '../../risk/tazama';

export const ROLES = ['analyst', 'senior_analyst', 'compliance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const DECISIONS = ['approve', 'block', 'escalate'] as const;
export type Decision = (typeof DECISIONS)[number];

export type CaseStatus = 'assigned' | 'escalated' | 'closed';
/**
 * needs_attention: a step failed for good and an operator must retry or close it; closed_by_operator:
 * an operator closed it from there with a note (terminal, like approved and blocked).
 */
export type TransactionStatus = 'received' | 'approved' | 'flagged' | 'held' | 'blocked' | 'needs_attention' | 'closed_by_operator';
export type LifecycleStage = 'loading' | 'scoring' | 'routing' | 'awaiting_decision' | 'closing' | 'closed' | 'needs_attention';

export function lifecycleWorkflowId(transactionRef: string): string {
  return `txn-${transactionRef}`;
}

export interface Actor {
  username: string;
  role: Role;
}

export interface LifecycleInput {
  transactionRef: string;
  /** the API request or extraction run that started this lifecycle, for log correlation */
  requestId?: string;
}

/** Case-handling rules, read by an activity at the start and so recorded in the history. */
export interface CasePolicy {
  slaMs: { medium: number; high: number; escalated: number };
  /** escalation levels: 0 analyst, 1 senior analyst, 2 senior analyst with management notified */
  maxEscalationLevel: number;
  /** how long submitting to Tazama may take, retries included (absent in histories before Tazama) */
  tazamaTimeoutMs?: number;
  /** what an ALRT adds, from the rule set (absent in histories before rule sets: the configured weight) */
  tazamaAlertPoints?: number;
}

export interface DecisionInput {
  decision: Decision;
  note?: string;
  actor: Actor;
  requestId?: string;
}

export interface CaseEventView {
  seq: number;
  type: string;
  actor: string;
  actorRole: string | null;
  note: string | null;
  at: string;
  details?: Record<string, unknown>;
}

export interface CaseView {
  caseId: number;
  status: CaseStatus;
  riskLevel: Exclude<RiskLevel, 'low'>;
  requiredRole: Role;
  escalationLevel: number;
  escalatedBy: string[];
  slaDueAt: string;
  decision: 'approve' | 'block' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

/** The whole view of one lifecycle, answered by the `state` query at any time. */
export interface LifecycleState {
  workflowId: string;
  transactionRef: string;
  stage: LifecycleStage;
  status: TransactionStatus;
  transaction: Transaction | null;
  score: ScoreBreakdown | null;
  case: CaseView | null;
  events: CaseEventView[];
  /** set while a step has failed for good and waits for an operator (absent in older histories) */
  attention?: AttentionView | null;
}

/** The steps whose permanent failure puts a transaction in needs_attention. */
export const ATTENTION_STEPS = ['loading', 'scoring', 'tazama', 'routing', 'case_opening'] as const;
export type AttentionStep = (typeof ATTENTION_STEPS)[number];

export interface AttentionView {
  step: AttentionStep;
  /** the failure as the activity reported it (e.g. PostgreSQL refused the data ...) */
  reason: string;
  /** the failure's type (invalid_data, not_found, ... or the error's name when retries ran out) */
  failureType: string;
  since: string;
  /** what the transaction's status was before: a retry puts it back */
  statusBefore: TransactionStatus;
}

/** Who may resolve a transaction in needs_attention: operators, not analysts or compliance. */
export const ATTENTION_ROLES = ['senior_analyst', 'admin'] as const satisfies readonly Role[];

export interface AttentionActionInput {
  actor: Actor;
  /** required to close; optional on a retry (what was fixed) */
  note?: string;
  requestId?: string;
}

/** Re-runs the failed step (after its cause was fixed) and goes on with the normal lifecycle. */
export const retryAttentionUpdate = defineUpdate<LifecycleState, [AttentionActionInput]>('retryAttention');
/** Ends the lifecycle: the transaction is closed_by_operator with the note. */
export const closeAttentionUpdate = defineUpdate<LifecycleState, [AttentionActionInput]>('closeAttention');

/** Why an operator's retry or close may not be applied to this state, or null when it may. */
export function attentionRefusal(state: Pick<LifecycleState, 'stage' | 'transactionRef'> & { attention?: AttentionView | null }, input: AttentionActionInput, action: 'retry' | 'close'): Refusal | null {
  if (!input.actor?.username || !(ATTENTION_ROLES as readonly string[]).includes(input.actor.role)) {
    return { code: 'forbidden', reason: `only ${ATTENTION_ROLES.join(' or ')} may ${action} a transaction that needs attention` };
  }
  if (typeof input.note === 'string' && NOTE_CONTROL.test(input.note)) {
    return { code: 'invalid', reason: 'note must not contain control characters other than line breaks and tabs' };
  }
  if (action === 'close' && !input.note?.trim()) return { code: 'invalid', reason: 'note is required to close' };
  if (state.stage !== 'needs_attention' || !state.attention) {
    return { code: 'conflict', reason: `transaction ${state.transactionRef} does not need attention (stage ${state.stage})` };
  }
  return null;
}

export const decideUpdate = defineUpdate<LifecycleState, [DecisionInput]>('decide');

/**
 * The real-time answer (POST /api/transactions/realtime, sent with update-with-start): what
 * routing decided, answered as soon as it has — approved for low risk, flagged or held with the
 * case for medium and high. Sent again later, it answers the same from the state.
 */
export interface RealtimeAnswer {
  transactionRef: string;
  workflowId: string;
  status: TransactionStatus;
  riskLevel: RiskLevel | null;
  score: number | null;
  caseId: number | null;
}
export const realtimeAnswerUpdate = defineUpdate<RealtimeAnswer, []>('realtimeAnswer');

/** Routing has decided: approved, or a case is open (or any later stage). */
export function isRouted(state: Pick<LifecycleState, 'stage'>): boolean {
  return state.stage !== 'loading' && state.stage !== 'scoring' && state.stage !== 'routing';
}

export function realtimeAnswerOf(state: LifecycleState): RealtimeAnswer {
  return {
    transactionRef: state.transactionRef,
    workflowId: state.workflowId,
    status: state.status,
    riskLevel: state.score?.level ?? null,
    score: state.score?.score ?? null,
    caseId: state.case?.caseId ?? null,
  };
}
export const analystDecisionSignal = defineSignal<[DecisionInput]>('analystDecision');

/** A decision taken outside Kinga that Kinga could not accept before it reached the workflow (no one to attribute it to). */
export interface DecisionRefusedInput {
  decision: Decision;
  /** where it came from, e.g. "ballerine" */
  via: string;
  /** who took it, as far as the other system said (may be "unknown") */
  actor: string;
  reason: string;
  requestId?: string;
}
/** Recorded on the case's timeline as a `decision_refused` event; never applied. */
export const decisionRefusedSignal = defineSignal<[DecisionRefusedInput]>('decisionRefused');
export const stateQuery = defineQuery<LifecycleState>('state');

/** Tazama's evaluation, pushed by its relay to the API, which signals the transaction's workflow. */
export interface TazamaResultInput {
  msgId: string;
  evaluation: TazamaEvaluation;
}
export const tazamaResultSignal = defineSignal<[TazamaResultInput]>('tazamaResult');

/** Custom search attributes, registered on the dev server and to be registered on a real cluster. */
export const searchAttributes = {
  riskLevel: defineSearchAttributeKey('KingaRiskLevel', SearchAttributeType.KEYWORD),
  riskScore: defineSearchAttributeKey('KingaRiskScore', SearchAttributeType.DOUBLE),
  caseStatus: defineSearchAttributeKey('KingaCaseStatus', SearchAttributeType.KEYWORD),
  decision: defineSearchAttributeKey('KingaDecision', SearchAttributeType.KEYWORD),
  customerId: defineSearchAttributeKey('KingaCustomerId', SearchAttributeType.KEYWORD),
  transactionRef: defineSearchAttributeKey('KingaTransactionRef', SearchAttributeType.KEYWORD),
  /** needs_attention while a step waits for an operator, closed_by_operator after a close; unset otherwise */
  attention: defineSearchAttributeKey('KingaAttention', SearchAttributeType.KEYWORD),
} as const;

/** `--search-attribute Name=Type` pairs for `temporal server start-dev` and operator set-up. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: Record<string, 'Keyword' | 'Double'> = {
  KingaRiskLevel: 'Keyword',
  KingaRiskScore: 'Double',
  KingaCaseStatus: 'Keyword',
  KingaDecision: 'Keyword',
  KingaCustomerId: 'Keyword',
  KingaTransactionRef: 'Keyword',
  KingaAttention: 'Keyword',
};

/** How far a case escalates: level 2 is the top (the casePolicy each lifecycle records). */
export const MAX_ESCALATION_LEVEL = 2;

/** Who may decide a case at a given escalation level and risk level. */
export function requiredRoleFor(riskLevel: 'medium' | 'high', escalationLevel: number): Role {
  return riskLevel === 'high' || escalationLevel > 0 ? 'senior_analyst' : 'analyst';
}

const ROLE_RANK: Record<Role, number> = { analyst: 1, senior_analyst: 2, compliance: 0, admin: 0 };

/** True when `role` may decide cases that require `required`. Compliance and admin never decide. */
export function roleMayDecide(role: Role, required: Role): boolean {
  return ROLE_RANK[role] > 0 && ROLE_RANK[role] >= ROLE_RANK[required];
}

/**
 * Why a decision may not be applied to this state, or null when it may. Shared by the update
 * validator, the signal path and the API, so every route to a decision obeys the same rules.
 */
export type Refusal = { code: 'not_found' | 'conflict' | 'forbidden' | 'invalid'; reason: string };

/** What is wrong with the decision itself, whatever the state of its case. */
/** Control characters other than line breaks and tabs: PostgreSQL cannot store NUL (boundary/inputRules.ts has the same rule). */
const NOTE_CONTROL = /[^\P{Cc}\t\n\r]/u;

export function decisionInputRefusal(input: DecisionInput): Refusal | null {
  if (!(DECISIONS as readonly string[]).includes(input.decision)) {
    return { code: 'invalid', reason: `decision must be one of ${DECISIONS.join(', ')}` };
  }
  if ((input.decision === 'block' || input.decision === 'escalate') && !input.note?.trim()) {
    return { code: 'invalid', reason: `note is required to ${input.decision}` };
  }
  if (!input.actor?.username || !(ROLES as readonly string[]).includes(input.actor.role)) {
    return { code: 'invalid', reason: 'actor must name a user and one of the roles' };
  }
  if (typeof input.note === 'string' && NOTE_CONTROL.test(input.note)) {
    return { code: 'invalid', reason: 'note must not contain control characters other than line breaks and tabs' };
  }
  return null;
}

export function decisionRefusal(state: Pick<LifecycleState, 'case' | 'stage' | 'status' | 'transactionRef'>, input: DecisionInput, policy: Pick<CasePolicy, 'maxEscalationLevel'>): Refusal | null {
  const invalid = decisionInputRefusal(input);
  if (invalid) return invalid;
  const c = state.case;
  if (!c) {
    return state.stage === 'closed'
      ? { code: 'conflict', reason: `transaction ${state.transactionRef} was closed without a case (status ${state.status})` }
      : { code: 'conflict', reason: `transaction ${state.transactionRef} has no open case (stage ${state.stage})` };
  }
  if (c.status === 'closed') {
    return { code: 'conflict', reason: `case ${c.caseId} is already closed (${c.decision} by ${c.decidedBy})` };
  }
  if (!roleMayDecide(input.actor.role, c.requiredRole)) {
    return {
      code: 'forbidden',
      reason: `role ${input.actor.role} may not decide this case: it needs ${c.requiredRole} (risk ${c.riskLevel}, escalation level ${c.escalationLevel})`,
    };
  }
  if (input.decision === 'escalate' && c.escalationLevel >= policy.maxEscalationLevel) {
    return { code: 'conflict', reason: `case ${c.caseId} is already at the top escalation level (${c.escalationLevel})` };
  }
  if (input.decision !== 'escalate' && c.escalatedBy.includes(input.actor.username)) {
    return { code: 'forbidden', reason: `four-eyes: ${input.actor.username} escalated case ${c.caseId} and may not close it` };
  }
  return null;
}

/** Who the lifecycle's own steps name in the audit trail. */
export const LIFECYCLE_ACTOR = 'system:lifecycle';

/** The transaction's status once routed: approved (low), flagged (medium case), held (high case). */
export function routedStatus(level: RiskLevel): TransactionStatus {
  return level === 'low' ? 'approved' : level === 'high' ? 'held' : 'flagged';
}

/**
 * The audit events of routing, numbered from 1 (the lifecycle's first events; after a retry from
 * needs_attention, after that step's events): `scored`, and for low risk `auto_approved`. Written by the one-step routing activity, adopted by the workflow.
 */
export function routingEvents(score: Pick<ScoreBreakdown, 'score' | 'level' | 'modelVersion'>, at: string, firstSeq = 1): CaseEventView[] {
  const scored: CaseEventView = { seq: firstSeq, type: 'scored', actor: LIFECYCLE_ACTOR, actorRole: null, note: null, at, details: { score: score.score, level: score.level, modelVersion: score.modelVersion } };
  if (score.level !== 'low') return [scored];
  return [scored, { seq: firstSeq + 1, type: 'auto_approved', actor: LIFECYCLE_ACTOR, actorRole: null, note: `score ${score.score} is below the medium threshold`, at }];
}

/** What the one-step routing activity (assessTransaction) found, and what it recorded. */
export interface Assessment {
  transaction: Transaction;
  casePolicy: CasePolicy;
  ruleSetVersion: number;
  /** the final breakdown when routed here; Kinga's own score, before Tazama, when not */
  score: ScoreBreakdown;
  /** null when Tazama is on: the workflow evaluates with it, then records the routing itself */
  routed: { status: TransactionStatus; events: CaseEventView[] } | null;
}
