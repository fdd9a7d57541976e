// One transaction's whole life: load → score → route → (case → decision) → close.
// Deterministic workflow code: no I/O, time only through the SDK, every side effect an activity.
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { KingaActivities } from '../../activities';
import { applyTazama, tazamaOutcome, type TazamaOutcome } from '../../risk/tazama';
import type { RiskLevel, ScoreBreakdown, Transaction } from '../../risk/types';
import {
  analystDecisionSignal,
  attentionRefusal,
  closeAttentionUpdate,
  decideUpdate,
  decisionInputRefusal,
  decisionRefusedSignal,
  decisionRefusal,
  isRouted,
  realtimeAnswerOf,
  realtimeAnswerUpdate,
  requiredRoleFor,
  retryAttentionUpdate,
  searchAttributes,
  stateQuery,
  tazamaResultSignal,
  type AttentionActionInput,
  type AttentionStep,
  type CasePolicy,
  type CaseEventView,
  type Assessment,
  type CaseView,
  type DecisionInput,
  type DecisionRefusedInput,
  type LifecycleInput,
  type LifecycleStage,
  type LifecycleState,
  type Refusal,
  type TazamaResultInput,
  type TransactionStatus,
} from './definitions';

// Database writes ride out a PostgreSQL restart or outage with back-off, about 25 minutes in all
// (30 attempts, at most a minute apart); past that, or at once for data the database refuses,
// the step fails for good and the transaction waits in needs_attention for an operator (below).
const db = proxyActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: ['not_found', 'invalid'] },
});

// Scoring is pure and fast apart from a few reads, so it runs as a local activity (bounded alike).
const scoring = proxyLocalActivities<KingaActivities>({
  startToCloseTimeout: '20 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 40 },
});

// Recording needs_attention (and an operator's retry or close) is the last resort of a failed step:
// it retries for a day; PostgreSQL down that long fails the run, visibly, in Temporal Web.
const attentionRecorder = proxyActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// Load, score and (Tazama off) record the routing: a few reads and one PostgreSQL transaction,
// idempotent, so it runs as a local activity in the lifecycle's first workflow task. Retried like
// the database writes (bounded alike; then needs_attention): an accepted transaction is never dropped.
const routing = proxyLocalActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: ['not_found', 'invalid'] },
});

// Tazama: a bounded wait. If it is down, the transaction is decided on Kinga's own score.
const tazamaSubmitter = (budgetMs: number) =>
  proxyActivities<KingaActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: budgetMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes: ['tazama_rejected', 'tazama_invalid_result'] },
  });
const tazamaPoll = proxyActivities<KingaActivities>({ startToCloseTimeout: '20 seconds', retry: { maximumAttempts: 1 } });

// Ballerine mirrors the case for the analysts' case tool. It never holds up a Kinga decision, but
// the workflow waits (up to an hour of retries) for it to hear the outcome before it ends.
const ballerine = proxyActivities<KingaActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: ['ballerine_rejected', 'ballerine_conflict', 'ballerine_not_configured', 'not_found', 'invalid'],
  },
});

const SYSTEM_ACTOR = 'system:lifecycle';
const SLA_ACTOR = 'system:sla';

/** Thrown out of a step an operator closed from needs_attention: the lifecycle ends with this state. */
class ClosedByOperator extends Error {
  constructor(readonly state: LifecycleState) {
    super('closed by an operator');
  }
}

export async function transactionLifecycle(input: LifecycleInput): Promise<LifecycleState> {
  try {
    return await lifecycle(input);
  } catch (err) {
    if (err instanceof ClosedByOperator) return err.state;
    throw err;
  }
}

async function lifecycle(input: LifecycleInput): Promise<LifecycleState> {
  const { workflowId } = workflowInfo();
  const state: LifecycleState = {
    workflowId,
    transactionRef: input.transactionRef,
    stage: 'loading',
    status: 'received',
    transaction: null,
    score: null,
    case: null,
    events: [],
  };
  let policy: CasePolicy = { slaMs: { medium: 0, high: 0, escalated: 0 }, maxEscalationLevel: 2 };
  let applying = false; // a decision or escalation is being persisted
  let slaBreachRecorded = false;
  const signalled: DecisionInput[] = [];
  const refusedElsewhere: DecisionRefusedInput[] = [];
  let tazamaPushed: TazamaResultInput | null = null;
  let mirrorsToBallerine = false;
  let ballerineRun: Promise<string | null> = Promise.resolve(null);
  let ballerineSends: Promise<void> = Promise.resolve();

  // Each event's sequence number is taken when it is created: it keys the audit row's idempotency.
  let eventSeq = 0;
  const nextEvent = (type: string, actor: string, actorRole: string | null, note: string | null, details?: Record<string, unknown>): CaseEventView => ({
    seq: ++eventSeq,
    type,
    actor,
    actorRole,
    note,
    at: new Date().toISOString(),
    ...(details ? { details } : {}),
  });

  const caseSearchAttributes = (c: CaseView): SearchAttributeUpdatePair[] => [
    { key: searchAttributes.caseStatus, value: c.status },
    { key: searchAttributes.decision, value: c.decision },
  ];

  /** Persist a new case snapshot with its audit event, then make it the state. */
  const commitCase = async (next: CaseView, event: CaseEventView, status: TransactionStatus, notify?: { kind: string; recipientRole: string; subject: string; body: string }) => {
    await db.recordCaseChange({
      workflowId,
      transactionRef: state.transactionRef,
      caseView: next,
      transactionStatus: status,
      event,
      notify,
    });
    state.case = next;
    state.status = status;
    state.events.push(event);
    upsertSearchAttributes(caseSearchAttributes(next));
  };

  // A function, not an inline test, so TypeScript does not narrow across awaits.
  const caseClosed = () => state.case?.status === 'closed';

  // --- needs_attention: a step that fails for good waits for an operator's retry or close ---
  let operatorAction: 'retry' | 'close' | null = null;
  let recordingOperatorAction = false; // one operator action at a time
  let stageBeforeAttention: LifecycleStage = 'loading';

  /** Why the activity failed for good, and its failure type (invalid_data, not_found, ...). */
  const failureTypeOf = (err: TemporalFailure): string => {
    const failure = err instanceof ActivityFailure && err.cause ? err.cause : err;
    return failure instanceof ApplicationFailure ? (failure.type ?? 'ApplicationFailure') : failure.name;
  };

  const awaitOperator = async (step: AttentionStep, err: TemporalFailure): Promise<void> => {
    const reason = failureText(err);
    const failureType = failureTypeOf(err);
    const event = nextEvent('needs_attention', SYSTEM_ACTOR, null, reason, { step, failureType });
    await attentionRecorder.recordNeedsAttention({ workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, step, reason, event });
    stageBeforeAttention = state.stage;
    state.attention = { step, reason, failureType, since: event.at, statusBefore: state.status };
    state.status = 'needs_attention';
    state.stage = 'needs_attention';
    state.events.push(event);
    upsertSearchAttributes([{ key: searchAttributes.attention, value: 'needs_attention' }]);
    upsertMemo({ attentionStep: step, attentionReason: reason });
    log.warn('a step failed for good: the transaction needs attention', { step, failureType, reason });
    operatorAction = null;
    await condition(() => operatorAction !== null);
    if (operatorAction === 'close') {
      await condition(allHandlersFinished);
      throw new ClosedByOperator(state);
    }
    operatorAction = null;
    upsertSearchAttributes([{ key: searchAttributes.attention, value: null }]);
  };

  /**
   * Runs one step of the lifecycle. When it fails for good (a non-retryable failure, or its retries
   * ran out) the transaction moves to needs_attention and waits; an operator's retry runs the step
   * again (`retried` true), a close ends the lifecycle. Before this version such a failure failed
   * the run, and histories from then replay so.
   */
  const step = async <T>(name: AttentionStep, run: (retried: boolean) => Promise<T>): Promise<T> => {
    for (let retried = false; ; retried = true) {
      try {
        return await run(retried);
      } catch (err) {
        // an activity's failure (a local activity's arrives as its ApplicationFailure or timeout)
        const failedForGood = err instanceof TemporalFailure && !(err instanceof CancelledFailure);
        if (!failedForGood || !patched('needs-attention')) throw err;
        await awaitOperator(name, err);
      }
    }
  };

  const resolveAttention = async (action: 'retry' | 'close', input: AttentionActionInput): Promise<LifecycleState> => {
    recordingOperatorAction = true;
    try {
      const attention = state.attention!;
      const note = input.note?.trim() || null;
      const status: TransactionStatus = action === 'close' ? 'closed_by_operator' : attention.statusBefore;
      const event = nextEvent(action === 'close' ? 'attention_closed' : 'attention_retried', input.actor.username, input.actor.role, note, {
        step: attention.step,
        reason: attention.reason,
        requestId: input.requestId,
      });
      await attentionRecorder.recordAttentionResolved({ workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, status, event });
      state.events.push(event);
      state.status = status;
      if (action === 'close') {
        state.stage = 'closed';
        upsertSearchAttributes([{ key: searchAttributes.attention, value: 'closed_by_operator' }]);
      } else {
        state.stage = stageBeforeAttention;
        state.attention = null;
      }
      operatorAction = action;
      return state;
    } catch (err) {
      if (err instanceof ActivityFailure) {
        throw ApplicationFailure.create({ type: 'attention_not_recorded', message: `the ${action} could not be recorded: ${failureText(err)}`, nonRetryable: true });
      }
      throw err;
    } finally {
      recordingOperatorAction = false;
    }
  };

  const refusalOf = (decision: DecisionInput) => (applying ? { code: 'conflict' as const, reason: 'another decision on this case is being recorded; try again' } : decisionRefusal(state, decision, policy));

  const applyDecision = async (decision: DecisionInput): Promise<LifecycleState> => {
    applying = true;
    try {
      const current = state.case!;
      const note = decision.note?.trim() || null;
      const at = new Date();
      if (decision.decision === 'escalate') {
        const level = current.escalationLevel + 1;
        const next: CaseView = {
          ...current,
          status: 'escalated',
          escalationLevel: level,
          requiredRole: requiredRoleFor(current.riskLevel, level),
          escalatedBy: [...current.escalatedBy, decision.actor.username],
          slaDueAt: new Date(at.getTime() + policy.slaMs.escalated).toISOString(),
        };
        const event = nextEvent('escalated', decision.actor.username, decision.actor.role, note, { escalationLevel: level, requestId: decision.requestId });
        await commitCase(next, event, state.status, {
          kind: 'case_escalated',
          recipientRole: next.requiredRole,
          subject: `Case ${current.caseId} escalated to level ${level}`,
          body: `${decision.actor.username} escalated the ${current.riskLevel}-risk case for transaction ${state.transactionRef}: ${note}`,
        });
        slaBreachRecorded = false;
        mirrorToBallerine('escalate', decision.actor.username, note);
      } else {
        const outcome = decision.decision === 'approve' ? 'approve' : 'block';
        const next: CaseView = {
          ...current,
          status: 'closed',
          decision: outcome,
          decidedBy: decision.actor.username,
          decidedAt: at.toISOString(),
          decisionNote: note,
        };
        const event = nextEvent(outcome === 'approve' ? 'approved' : 'blocked', decision.actor.username, decision.actor.role, note, { requestId: decision.requestId });
        state.stage = 'closing';
        try {
          await commitCase(next, event, outcome === 'approve' ? 'approved' : 'blocked');
        } catch (err) {
          state.stage = 'awaiting_decision'; // nothing was recorded: the case stays decidable
          throw err;
        }
        state.stage = 'closed';
        mirrorToBallerine(outcome, decision.actor.username, note);
      }
      return state;
    } catch (err) {
      // An activity that failed for good (e.g. PostgreSQL refused the data): the decision is
      // refused with the reason, and the lock below is released, so the case stays decidable.
      if (err instanceof ActivityFailure) {
        throw ApplicationFailure.create({ type: 'decision_not_recorded', message: `the decision could not be recorded: ${failureText(err)}`, nonRetryable: true });
      }
      throw err;
    } finally {
      applying = false;
    }
  };

  setHandler(stateQuery, () => state);
  // The case row can be visible to analysts a moment before this workflow has taken in the
  // activity that opened it; a decision arriving then waits for the case instead of bouncing.
  const caseOpening = () => state.case === null && (state.stage === 'loading' || state.stage === 'scoring' || state.stage === 'routing');
  const refuse = (refusal: Refusal) => ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });
  setHandler(
    decideUpdate,
    async (decision) => {
      if (caseOpening()) {
        await condition(() => !caseOpening() && !applying);
        const refusal = refusalOf(decision);
        if (refusal) throw refuse(refusal);
      }
      return applyDecision(decision);
    },
    {
      validator: (decision) => {
        const refusal = caseOpening() ? decisionInputRefusal(decision) : refusalOf(decision);
        if (refusal) throw refuse(refusal);
      },
    },
  );
  // No command of its own, so histories recorded before it replay unchanged.
  setHandler(realtimeAnswerUpdate, async () => {
    await condition(() => isRouted(state));
    return realtimeAnswerOf(state);
  });
  // No command until an operator acts on a transaction in needs_attention, so older histories replay unchanged.
  const attentionValidator = (action: 'retry' | 'close') => (input: AttentionActionInput) => {
    const refusal = recordingOperatorAction ? { code: 'conflict' as const, reason: 'another operator action on this transaction is being recorded; try again' } : attentionRefusal(state, input, action);
    if (refusal) throw refuse(refusal);
  };
  setHandler(retryAttentionUpdate, (input) => resolveAttention('retry', input), { validator: attentionValidator('retry') });
  setHandler(closeAttentionUpdate, (input) => resolveAttention('close', input), { validator: attentionValidator('close') });
  setHandler(analystDecisionSignal, (decision) => {
    signalled.push(decision);
  });
  setHandler(decisionRefusedSignal, (refused) => {
    refusedElsewhere.push(refused);
  });
  setHandler(tazamaResultSignal, (result) => {
    tazamaPushed = result;
  });

  // A signalled decision obeys the same rules; a refused one is recorded, never applied.
  const processSignal = async (decision: DecisionInput) => {
    let refusal = refusalOf(decision);
    if (!refusal) {
      try {
        await applyDecision(decision);
        return;
      } catch (err) {
        // Before this version a failure here retried for ever; now it is recorded as refused.
        if (!(err instanceof ApplicationFailure) || !patched('decision-not-recorded-refused')) throw err;
        refusal = { code: 'invalid', reason: err.message };
      }
    }
    // What was sent may be what could not be stored (a NUL): the refusal keeps it escaped.
    const escaped = (text: string) => text.replace(/[^\P{Cc}\t\n\r]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const note = decision.note == null ? null : escaped(decision.note);
    const event = nextEvent('decision_refused', escaped(decision.actor?.username ?? 'unknown'), decision.actor?.role ?? null, note, {
      decision: decision.decision,
      reason: refusal.reason,
      code: refusal.code,
      via: 'signal',
      requestId: decision.requestId,
    });
    await db.appendCaseEvent({ workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, event });
    state.events.push(event);
  };

  // A decision refused before it reached the workflow: on the timeline, with its reason.
  const recordRefusedElsewhere = async (refused: DecisionRefusedInput) => {
    // the reason is the note: the timeline shows notes to analysts
    const event = nextEvent('decision_refused', refused.actor, null, refused.reason, { decision: refused.decision, reason: refused.reason, code: 'unattributed', via: refused.via, requestId: refused.requestId });
    await db.appendCaseEvent({ workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, event });
    state.events.push(event);
  };

  const failureText = (err: unknown) => (err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err));

  const recordIntegrationProblem = async (type: string, actor: string, err: unknown) => {
    const event = nextEvent(type, actor, null, failureText(err));
    await db.appendCaseEvent({ workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, event });
    state.events.push(event);
  };

  /** Submits the pacs.008/pacs.002 pair and waits for the evaluation: pushed (signal) or polled. */
  const evaluateWithTazama = async (transaction: Transaction, score: ScoreBreakdown): Promise<ScoreBreakdown> => {
    let outcome: TazamaOutcome;
    let alertPoints = 0;
    let alertMinLevel: RiskLevel = 'medium';
    try {
      const submitted = await tazamaSubmitter(policy.tazamaTimeoutMs ?? 30_000).submitToTazama({ transaction });
      if (!submitted.enabled) {
        outcome = tazamaOutcome.disabled();
      } else {
        // the rule set's weight; histories from before rule sets carry only the configured one
        alertPoints = policy.tazamaAlertPoints ?? submitted.alertPoints;
        alertMinLevel = submitted.alertMinLevel ?? 'medium';
        const { msgId } = submitted;
        const deadline = Date.now() + submitted.timeoutMs;
        for (;;) {
          if (tazamaPushed?.msgId === msgId) {
            outcome = tazamaOutcome.evaluated(msgId, tazamaPushed.evaluation, 'push');
            break;
          }
          const remaining = deadline - Date.now();
          if (remaining <= 0) {
            outcome = tazamaOutcome.timedOut(submitted.timeoutMs);
            break;
          }
          if (await condition(() => tazamaPushed?.msgId === msgId, Math.min(submitted.pollIntervalMs, remaining))) continue;
          try {
            const polled = await tazamaPoll.fetchTazamaResult({ transactionRef: transaction.transactionRef, msgId });
            if (polled) {
              outcome = tazamaOutcome.evaluated(msgId, polled, 'poll');
              break;
            }
          } catch (err) {
            log.warn('polling Tazama failed; still waiting', { error: failureText(err) });
          }
        }
      }
    } catch (err) {
      outcome = tazamaOutcome.unavailable(failureText(err));
    }
    await db.recordTazamaOutcome({ transactionRef: transaction.transactionRef, outcome });
    // Versioned change: an ALRT is at least a medium case (TAZAMA_ALERT_LEVEL) and a block from
    // Tazama holds the transaction as a high case. Histories recorded before replay with the
    // alert's points alone, as they ran.
    if (patched('tazama-alert-levels')) return applyTazama(score, outcome, { alertPoints, alertMinLevel, blockMinLevel: 'high' });
    return applyTazama(score, outcome, { alertPoints });
  };

  /** Sends a decision to the case's Ballerine run, in order, once the run exists. */
  const mirrorToBallerine = (decision: 'approve' | 'block' | 'escalate', actor: string, note: string | null) => {
    if (!mirrorsToBallerine) return;
    const caseId = state.case!.caseId;
    ballerineSends = ballerineSends.then(async () => {
      const workflowRuntimeId = await ballerineRun;
      if (!workflowRuntimeId) return;
      try {
        await ballerine.sendBallerineDecision({ caseId, transactionRef: state.transactionRef, workflowRuntimeId, decision, actor, note: note ?? undefined });
      } catch (err) {
        await recordIntegrationProblem('ballerine_decision_not_sent', 'system:ballerine', err);
      }
    });
  };

  let loaded: Pick<Assessment, 'transaction' | 'casePolicy' | 'ruleSetVersion'>;
  let score: ScoreBreakdown;
  // routing already recorded by the one-step activity (Tazama off); null: recorded below
  let routed: Assessment['routed'] = null;
  const oneStep = patched('one-step-routing');
  if (oneStep) {
    // Versioned change: load, score and (Tazama off) routing are one local activity and one
    // PostgreSQL transaction, the search attributes and memo one upsert each. Histories recorded
    // before replay through the separate steps below.
    state.stage = 'scoring';
    // a retry from needs_attention reads the (fixed) transaction again; its events follow those already written
    const assessed = await step('scoring', (retried) =>
      routing.assessTransaction({ workflowId, transactionRef: input.transactionRef, requestId: input.requestId ?? null, ...(retried ? { firstSeq: eventSeq + 1 } : {}) }),
    );
    loaded = assessed;
    state.transaction = assessed.transaction;
    policy = assessed.casePolicy;
    score = assessed.score;
    state.score = score;
    routed = assessed.routed;
    if (!routed) {
      const kingaScore = score;
      score = await step('tazama', () => evaluateWithTazama(assessed.transaction, kingaScore));
      state.score = score;
    }
    const t = assessed.transaction;
    upsertMemo({ transactionRef: input.transactionRef, amount: `${t.amount} ${t.currency}`, customerId: t.customerId, channel: t.channel, riskLevel: score.level, score: score.score });
    upsertSearchAttributes([
      { key: searchAttributes.transactionRef, value: input.transactionRef },
      { key: searchAttributes.customerId, value: t.customerId },
      { key: searchAttributes.riskLevel, value: score.level },
      { key: searchAttributes.riskScore, value: score.score },
      ...(score.level === 'low' ? [{ key: searchAttributes.decision, value: 'auto_approve' }] : []),
    ]);
  } else {
    // 1 load
    loaded = await step('loading', () => db.loadTransaction({ transactionRef: input.transactionRef }));
    state.transaction = loaded.transaction;
    policy = loaded.casePolicy;
    upsertMemo({ transactionRef: input.transactionRef, amount: `${loaded.transaction.amount} ${loaded.transaction.currency}`, customerId: loaded.transaction.customerId, channel: loaded.transaction.channel });
    upsertSearchAttributes([
      { key: searchAttributes.transactionRef, value: input.transactionRef },
      { key: searchAttributes.customerId, value: loaded.transaction.customerId },
    ]);

    // 2 score
    state.stage = 'scoring';
    // the rule-set version resolved at load: one version for the whole lifecycle (absent in old histories)
    score = await step('scoring', async (retried) => {
      // an operator's retry follows a fix of the transaction's data: it is read again
      if (retried) loaded = await db.loadTransaction({ transactionRef: input.transactionRef });
      state.transaction = loaded.transaction;
      policy = loaded.casePolicy;
      return scoring.scoreTransaction({ transaction: loaded.transaction, ruleSetVersion: loaded.ruleSetVersion });
    });
    state.score = score;
    if (patched('tazama-evaluation')) {
      // Versioned change: histories recorded before Tazama replay without this step.
      const kingaScore = score;
      score = await step('tazama', () => evaluateWithTazama(loaded.transaction, kingaScore));
      state.score = score;
    }
    upsertSearchAttributes([
      { key: searchAttributes.riskLevel, value: score.level },
      { key: searchAttributes.riskScore, value: score.score },
    ]);
    upsertMemo({ riskLevel: score.level, score: score.score });
  }

  // 3 route
  state.stage = 'routing';
  if (score.level === 'low') {
    if (routed) {
      state.events.push(...routed.events);
      eventSeq += routed.events.length; // numbered after any needs_attention events
    } else {
      const scored = nextEvent('scored', SYSTEM_ACTOR, null, null, { score: score.score, level: score.level, modelVersion: score.modelVersion });
      const approved = nextEvent('auto_approved', SYSTEM_ACTOR, null, `score ${score.score} is below the medium threshold`);
      await step('routing', () => db.recordRouting({ workflowId, transactionRef: input.transactionRef, score, status: 'approved', events: [scored, approved], requestId: input.requestId ?? null }));
      state.events.push(scored, approved);
    }
    state.status = 'approved';
    state.stage = 'closed';
    if (!oneStep) upsertSearchAttributes([{ key: searchAttributes.decision, value: 'auto_approve' }]);
  } else {
    // 4 case
    const riskLevel = score.level;
    const status: TransactionStatus = riskLevel === 'high' ? 'held' : 'flagged';
    if (routed) {
      state.events.push(...routed.events);
      eventSeq += routed.events.length; // numbered after any needs_attention events
    } else {
      const scored = nextEvent('scored', SYSTEM_ACTOR, null, null, { score: score.score, level: riskLevel, modelVersion: score.modelVersion });
      await step('routing', () => db.recordRouting({ workflowId, transactionRef: input.transactionRef, score, status, events: [scored], requestId: input.requestId ?? null }));
      state.events.push(scored);
    }
    state.status = status;

    const slaDueAt = new Date(Date.now() + policy.slaMs[riskLevel]).toISOString();
    const opened = nextEvent('case_opened', SYSTEM_ACTOR, null, null, { riskLevel, slaDueAt });
    const { caseId } = await step('case_opening', () =>
      db.openCase({
        workflowId,
        transactionRef: input.transactionRef,
        riskLevel,
        requiredRole: requiredRoleFor(riskLevel, 0),
        slaDueAt,
        event: opened,
      }),
    );
    state.case = {
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
    state.events.push(opened);
    upsertSearchAttributes(caseSearchAttributes(state.case));
    if (patched('ballerine-case')) {
      mirrorsToBallerine = true;
      ballerineRun = ballerine.openBallerineCase({ caseId, transactionRef: input.transactionRef, transaction: loaded.transaction, score }).then(
        (opened) => (opened.enabled ? opened.workflowRuntimeId : null),
        async (err: unknown) => {
          await recordIntegrationProblem('ballerine_case_not_opened', 'system:ballerine', err);
          return null;
        },
      );
    }

    // 5 decide — analysts' decisions arrive as updates or signals; the SLA ladder runs meanwhile
    state.stage = 'awaiting_decision';
    while (!caseClosed()) {
      const current: CaseView = state.case!;
      const dueIn = Date.parse(current.slaDueAt) - Date.now();
      const ladderDone = current.escalationLevel >= policy.maxEscalationLevel && slaBreachRecorded;
      const woke = await condition(
        () => caseClosed() || (!applying && (signalled.length > 0 || refusedElsewhere.length > 0)) || state.case!.slaDueAt !== current.slaDueAt,
        ladderDone ? undefined : Math.max(dueIn, 1),
      );
      if (caseClosed()) break;
      if (applying) {
        await condition(() => !applying);
        continue;
      }
      if (signalled.length > 0) {
        await processSignal(signalled.shift()!);
        continue;
      }
      if (refusedElsewhere.length > 0) {
        await recordRefusedElsewhere(refusedElsewhere.shift()!);
        continue;
      }
      const c: CaseView = state.case!;
      if (woke || Date.now() < Date.parse(c.slaDueAt)) continue; // the due time moved

      if (c.escalationLevel < policy.maxEscalationLevel) {
        const level = c.escalationLevel + 1;
        const next: CaseView = {
          ...c,
          status: 'escalated',
          escalationLevel: level,
          requiredRole: requiredRoleFor(c.riskLevel, level),
          slaDueAt: new Date(Date.now() + policy.slaMs.escalated).toISOString(),
        };
        const event = nextEvent('sla_escalated', SLA_ACTOR, null, `not decided by ${c.slaDueAt}`, { escalationLevel: level, missedDueAt: c.slaDueAt });
        applying = true;
        try {
          await commitCase(next, event, state.status, {
            kind: 'sla_escalation',
            recipientRole: level >= policy.maxEscalationLevel ? 'admin' : next.requiredRole,
            subject: `SLA missed: case ${c.caseId} escalated to level ${level}`,
            body: `The ${c.riskLevel}-risk case for transaction ${state.transactionRef} was not decided by ${c.slaDueAt}.`,
          });
        } finally {
          applying = false;
        }
        log.info('case escalated by SLA', { caseId: c.caseId, level });
        mirrorToBallerine('escalate', SLA_ACTOR, event.note);
      } else if (!slaBreachRecorded) {
        const event = nextEvent('sla_breached', SLA_ACTOR, null, `still undecided at the top of the escalation ladder (due ${c.slaDueAt})`, { escalationLevel: c.escalationLevel });
        applying = true;
        try {
          await commitCase(c, event, state.status, {
            kind: 'sla_breach',
            recipientRole: 'admin',
            subject: `SLA breached: case ${c.caseId} is still undecided`,
            body: `The ${c.riskLevel}-risk case for transaction ${state.transactionRef} is past its last SLA (${c.slaDueAt}).`,
          });
        } finally {
          applying = false;
        }
        slaBreachRecorded = true;
      }
    }
  }

  // 6 close — decisions that arrived too late are recorded as refused, then the run ends
  await condition(allHandlersFinished);
  while (signalled.length > 0) await processSignal(signalled.shift()!);
  while (refusedElsewhere.length > 0) await recordRefusedElsewhere(refusedElsewhere.shift()!);
  if (mirrorsToBallerine) {
    await ballerineRun;
    await ballerineSends;
  }
  state.stage = 'closed';
  return state;
}
