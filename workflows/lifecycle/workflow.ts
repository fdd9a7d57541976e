// One transaction's whole life: load → score → route → (case → decision) → close.
// Deterministic workflow code: no I/O, time only through the SDK, every side effect an activity.
// The story is `Lifecycle.run`; a case's transitions are pure (./transitions), the Tazama wait and
// the Ballerine mirror have their own modules, and every activity's retry policy is in ./activities.
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ScoreBreakdown, Transaction } from '../../risk/types';
import { attentionRecorder, db, routing, scoring } from './activities';
import { BallerineMirror } from './ballerineMirror';
import {
  analystDecisionSignal,
  attentionRefusal,
  closeAttentionUpdate,
  decideUpdate,
  decisionInputRefusal,
  decisionRefusedSignal,
  decisionRefusal,
  isRouted,
  LIFECYCLE_ACTOR,
  realtimeAnswerOf,
  realtimeAnswerUpdate,
  requiredRoleFor,
  retryAttentionUpdate,
  routedStatus,
  routingEvents,
  searchAttributes,
  stateQuery,
  tazamaResultSignal,
  type AttentionActionInput,
  type AttentionStep,
  type Assessment,
  type CaseEventView,
  type CasePolicy,
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
import { failureText, failureTypeOf } from './failures';
import { Mutex } from './mutex';
import { evaluateWithTazama } from './tazamaWait';
import { breachSla, closeByAnalyst, escalateByAnalyst, escalateBySla, openedCase, slaAction, slaLadderDone, SLA_ACTOR, type CaseNotice, type EventDraft } from './transitions';

/** Thrown out of a step an operator closed from needs_attention: the lifecycle ends with this state. */
class ClosedByOperator extends Error {
  constructor(readonly state: LifecycleState) {
    super('closed by an operator');
  }
}

export async function transactionLifecycle(input: LifecycleInput): Promise<LifecycleState> {
  try {
    return await new Lifecycle(input).run();
  } catch (err) {
    if (err instanceof ClosedByOperator) return err.state;
    throw err;
  }
}

/** What scoring found: the transaction, its final score, and the routing when already recorded. */
interface Assessed {
  transaction: Transaction;
  score: ScoreBreakdown;
  /** recorded by the one-step activity (Tazama off); null: recorded by the workflow */
  routed: Assessment['routed'];
  /** since patched('one-step-routing') */
  oneStep: boolean;
}

const caseSearchAttributes = (c: CaseView): SearchAttributeUpdatePair[] => [
  { key: searchAttributes.caseStatus, value: c.status },
  { key: searchAttributes.decision, value: c.decision },
];

const refuse = (refusal: Refusal) => ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });

class Lifecycle {
  private readonly workflowId = workflowInfo().workflowId;
  private readonly state: LifecycleState;
  private policy: CasePolicy = { slaMs: { medium: 0, high: 0, escalated: 0 }, maxEscalationLevel: 2 };
  /** one decision or escalation is persisted at a time; validators refuse while it is held */
  private readonly decisions = new Mutex();
  /** one operator action (retry / close from needs_attention) at a time */
  private readonly operatorActions = new Mutex();
  private slaBreachRecorded = false;
  private readonly signalled: DecisionInput[] = [];
  private readonly refusedElsewhere: DecisionRefusedInput[] = [];
  private tazamaPushed: TazamaResultInput | null = null;
  private readonly ballerine = new BallerineMirror((type, actor, err) => this.recordIntegrationProblem(type, actor, err));
  /** each event's sequence number is taken when it is created: it keys the audit row's idempotency */
  private eventSeq = 0;
  private operatorAction: 'retry' | 'close' | null = null;
  private stageBeforeAttention: LifecycleStage = 'loading';

  constructor(private readonly input: LifecycleInput) {
    this.state = { workflowId: this.workflowId, transactionRef: input.transactionRef, stage: 'loading', status: 'received', transaction: null, score: null, case: null, events: [] };
  }

  /** The story: every step below is named after what the bank sees happen to the transaction. */
  async run(): Promise<LifecycleState> {
    this.setup();
    // 1 load, 2 score (with Tazama when it is on)
    const { transaction, score, routed, oneStep } = await this.assess();
    // 3 route: low risk is approved at once, medium and high open a case
    this.state.stage = 'routing';
    await this.recordRouting(score, routed);
    if (score.level === 'low') {
      this.state.stage = 'closed';
      if (!oneStep) upsertSearchAttributes([{ key: searchAttributes.decision, value: 'auto_approve' }]);
    } else {
      // 4 case
      await this.openCase(transaction, score, score.level);
      // 5 decide: analysts' decisions arrive as updates or signals; the SLA ladder runs meanwhile
      await this.awaitDecision();
    }
    // 6 close
    await this.close();
    return this.state;
  }

  // --- the steps ---

  private async assess(): Promise<Assessed> {
    const { input, state } = this;
    // Versioned change: load, score and (Tazama off) routing are one local activity and one
    // PostgreSQL transaction, the search attributes and memo one upsert each. Histories recorded
    // before replay through assessInSteps.
    if (!patched('one-step-routing')) return this.assessInSteps();
    state.stage = 'scoring';
    // a retry from needs_attention reads the (fixed) transaction again; its events follow those already written
    const assessed = await this.step('scoring', (retried) =>
      routing.assessTransaction({ workflowId: this.workflowId, transactionRef: input.transactionRef, requestId: input.requestId ?? null, ...(retried ? { firstSeq: this.eventSeq + 1 } : {}) }),
    );
    state.transaction = assessed.transaction;
    this.policy = assessed.casePolicy;
    let score = assessed.score;
    state.score = score;
    if (!assessed.routed) {
      score = await this.step('tazama', () => this.evaluateWithTazama(assessed.transaction, assessed.score));
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
    return { transaction: t, score, routed: assessed.routed, oneStep: true };
  }

  /** Load, score and Tazama as separate steps, as histories recorded before one-step routing ran. */
  private async assessInSteps(): Promise<Assessed> {
    const { input, state } = this;
    let loaded = await this.step('loading', () => db.loadTransaction({ transactionRef: input.transactionRef }));
    state.transaction = loaded.transaction;
    this.policy = loaded.casePolicy;
    upsertMemo({ transactionRef: input.transactionRef, amount: `${loaded.transaction.amount} ${loaded.transaction.currency}`, customerId: loaded.transaction.customerId, channel: loaded.transaction.channel });
    upsertSearchAttributes([
      { key: searchAttributes.transactionRef, value: input.transactionRef },
      { key: searchAttributes.customerId, value: loaded.transaction.customerId },
    ]);

    state.stage = 'scoring';
    // the rule-set version resolved at load: one version for the whole lifecycle (absent in old histories)
    let score = await this.step('scoring', async (retried) => {
      // an operator's retry follows a fix of the transaction's data: it is read again
      if (retried) loaded = await db.loadTransaction({ transactionRef: input.transactionRef });
      state.transaction = loaded.transaction;
      this.policy = loaded.casePolicy;
      return scoring.scoreTransaction({ transaction: loaded.transaction, ruleSetVersion: loaded.ruleSetVersion });
    });
    state.score = score;
    if (patched('tazama-evaluation')) {
      // Versioned change: histories recorded before Tazama replay without this step.
      const kingaScore = score;
      score = await this.step('tazama', () => this.evaluateWithTazama(loaded.transaction, kingaScore));
      state.score = score;
    }
    upsertSearchAttributes([
      { key: searchAttributes.riskLevel, value: score.level },
      { key: searchAttributes.riskScore, value: score.score },
    ]);
    upsertMemo({ riskLevel: score.level, score: score.score });
    return { transaction: loaded.transaction, score, routed: null, oneStep: false };
  }

  private evaluateWithTazama(transaction: Transaction, score: ScoreBreakdown): Promise<ScoreBreakdown> {
    return evaluateWithTazama(transaction, score, { policy: this.policy, pushed: () => this.tazamaPushed });
  }

  /** `scored` (and `auto_approved` for low risk) on the timeline, the transaction approved, flagged or held. */
  private async recordRouting(score: ScoreBreakdown, routed: Assessment['routed']): Promise<void> {
    const status = routedStatus(score.level);
    if (routed) {
      this.state.events.push(...routed.events);
      this.eventSeq += routed.events.length; // numbered after any needs_attention events
    } else {
      const events = routingEvents(score, new Date().toISOString(), this.eventSeq + 1);
      this.eventSeq += events.length;
      await this.step('routing', () => db.recordRouting({ workflowId: this.workflowId, transactionRef: this.input.transactionRef, score, status, events, requestId: this.input.requestId ?? null }));
      this.state.events.push(...events);
    }
    this.state.status = status;
  }

  private async openCase(transaction: Transaction, score: ScoreBreakdown, riskLevel: CaseView['riskLevel']): Promise<void> {
    const { state, input } = this;
    const slaDueAt = new Date(Date.now() + this.policy.slaMs[riskLevel]).toISOString();
    const opened = this.nextEvent({ type: 'case_opened', actor: LIFECYCLE_ACTOR, actorRole: null, note: null, details: { riskLevel, slaDueAt } });
    const { caseId } = await this.step('case_opening', () =>
      db.openCase({ workflowId: this.workflowId, transactionRef: input.transactionRef, riskLevel, requiredRole: requiredRoleFor(riskLevel, 0), slaDueAt, event: opened }),
    );
    state.case = openedCase(caseId, riskLevel, slaDueAt);
    state.events.push(opened);
    upsertSearchAttributes(caseSearchAttributes(state.case));
    if (patched('ballerine-case')) this.ballerine.open({ caseId, transactionRef: input.transactionRef, transaction, score });
  }

  /** Until the case closes: queued signals first, then the SLA when its due time passes. */
  private async awaitDecision(): Promise<void> {
    const { state } = this;
    state.stage = 'awaiting_decision';
    while (!this.caseClosed()) {
      const current: CaseView = state.case!;
      const dueIn = Date.parse(current.slaDueAt) - Date.now();
      const woke = await condition(
        () => this.caseClosed() || (!this.decisions.isLocked() && (this.signalled.length > 0 || this.refusedElsewhere.length > 0)) || state.case!.slaDueAt !== current.slaDueAt,
        slaLadderDone(current, this.policy, this.slaBreachRecorded) ? undefined : Math.max(dueIn, 1),
      );
      if (this.caseClosed()) break;
      if (this.decisions.isLocked()) {
        await condition(() => !this.decisions.isLocked());
        continue;
      }
      if (this.signalled.length > 0) {
        await this.processSignal(this.signalled.shift()!);
        continue;
      }
      if (this.refusedElsewhere.length > 0) {
        await this.recordRefusedElsewhere(this.refusedElsewhere.shift()!);
        continue;
      }
      const c: CaseView = state.case!;
      if (woke || Date.now() < Date.parse(c.slaDueAt)) continue; // the due time moved
      await this.slaMissed(c);
    }
  }

  /** The SLA passed undecided: escalate a level, or at the top record the breach once. */
  private async slaMissed(c: CaseView): Promise<void> {
    const action = slaAction(c, this.policy, this.slaBreachRecorded);
    if (action === 'escalate') {
      const { next, event: draft, notify } = escalateBySla(c, new Date(), this.policy, this.state.transactionRef);
      const event = this.nextEvent(draft);
      await this.decisions.runExclusive(() => this.commitCase(next, event, this.state.status, notify));
      log.info('case escalated by SLA', { caseId: c.caseId, level: next.escalationLevel });
      this.ballerine.send('escalate', { caseId: c.caseId, transactionRef: this.state.transactionRef }, SLA_ACTOR, event.note);
    } else if (action === 'breach') {
      const { next, event: draft, notify } = breachSla(c, this.state.transactionRef);
      const event = this.nextEvent(draft);
      await this.decisions.runExclusive(() => this.commitCase(next, event, this.state.status, notify));
      this.slaBreachRecorded = true;
    }
  }

  /** Decisions that arrived too late are recorded as refused; the run ends once Ballerine has heard. */
  private async close(): Promise<void> {
    await condition(allHandlersFinished);
    while (this.signalled.length > 0) await this.processSignal(this.signalled.shift()!);
    while (this.refusedElsewhere.length > 0) await this.recordRefusedElsewhere(this.refusedElsewhere.shift()!);
    await this.ballerine.settled();
    this.state.stage = 'closed';
  }

  // --- messages: the state query, decisions, operator actions, Tazama's push ---

  private setup(): void {
    const { state } = this;
    setHandler(stateQuery, () => state);
    setHandler(
      decideUpdate,
      async (decision) => {
        if (this.caseOpening()) {
          await condition(() => !this.caseOpening() && !this.decisions.isLocked());
          const refusal = this.refusalOf(decision);
          if (refusal) throw refuse(refusal);
        }
        return this.applyDecision(decision);
      },
      {
        validator: (decision) => {
          const refusal = this.caseOpening() ? decisionInputRefusal(decision) : this.refusalOf(decision);
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
      const refusal = this.operatorActions.isLocked() ? { code: 'conflict' as const, reason: 'another operator action on this transaction is being recorded; try again' } : attentionRefusal(state, input, action);
      if (refusal) throw refuse(refusal);
    };
    setHandler(retryAttentionUpdate, (input) => this.resolveAttention('retry', input), { validator: attentionValidator('retry') });
    setHandler(closeAttentionUpdate, (input) => this.resolveAttention('close', input), { validator: attentionValidator('close') });
    setHandler(analystDecisionSignal, (decision) => {
      this.signalled.push(decision);
    });
    setHandler(decisionRefusedSignal, (refused) => {
      this.refusedElsewhere.push(refused);
    });
    setHandler(tazamaResultSignal, (result) => {
      this.tazamaPushed = result;
    });
  }

  // A function, not an inline test, so TypeScript does not narrow across awaits.
  private caseClosed(): boolean {
    return this.state.case?.status === 'closed';
  }

  // The case row can be visible to analysts a moment before this workflow has taken in the
  // activity that opened it; a decision arriving then waits for the case instead of bouncing.
  private caseOpening(): boolean {
    const { stage } = this.state;
    return this.state.case === null && (stage === 'loading' || stage === 'scoring' || stage === 'routing');
  }

  private refusalOf(decision: DecisionInput): Refusal | null {
    return this.decisions.isLocked() ? { code: 'conflict', reason: 'another decision on this case is being recorded; try again' } : decisionRefusal(this.state, decision, this.policy);
  }

  private applyDecision(decision: DecisionInput): Promise<LifecycleState> {
    return this.decisions.runExclusive(async () => {
      const { state } = this;
      try {
        const current = state.case!;
        const target = { caseId: current.caseId, transactionRef: state.transactionRef };
        const at = new Date();
        if (decision.decision === 'escalate') {
          const { next, event, notify } = escalateByAnalyst(current, decision, at, this.policy, state.transactionRef);
          await this.commitCase(next, this.nextEvent(event), state.status, notify);
          this.slaBreachRecorded = false;
          this.ballerine.send('escalate', target, decision.actor.username, event.note);
        } else {
          const { next, event, outcome, transactionStatus } = closeByAnalyst(current, decision, at);
          const recorded = this.nextEvent(event);
          state.stage = 'closing';
          try {
            await this.commitCase(next, recorded, transactionStatus);
          } catch (err) {
            state.stage = 'awaiting_decision'; // nothing was recorded: the case stays decidable
            throw err;
          }
          state.stage = 'closed';
          this.ballerine.send(outcome, target, decision.actor.username, event.note);
        }
        return state;
      } catch (err) {
        // An activity that failed for good (e.g. PostgreSQL refused the data): the decision is
        // refused with the reason, and the lock is released, so the case stays decidable.
        if (err instanceof ActivityFailure) {
          throw ApplicationFailure.create({ type: 'decision_not_recorded', message: `the decision could not be recorded: ${failureText(err)}`, nonRetryable: true });
        }
        throw err;
      }
    });
  }

  // A signalled decision obeys the same rules; a refused one is recorded, never applied.
  private async processSignal(decision: DecisionInput): Promise<void> {
    let refusal = this.refusalOf(decision);
    if (!refusal) {
      try {
        await this.applyDecision(decision);
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
    const event = this.nextEvent({
      type: 'decision_refused',
      actor: escaped(decision.actor?.username ?? 'unknown'),
      actorRole: decision.actor?.role ?? null,
      note,
      details: { decision: decision.decision, reason: refusal.reason, code: refusal.code, via: 'signal', requestId: decision.requestId },
    });
    await this.appendEvent(event);
  }

  // A decision refused before it reached the workflow: on the timeline, with its reason.
  private async recordRefusedElsewhere(refused: DecisionRefusedInput): Promise<void> {
    // the reason is the note: the timeline shows notes to analysts
    const event = this.nextEvent({
      type: 'decision_refused',
      actor: refused.actor,
      actorRole: null,
      note: refused.reason,
      details: { decision: refused.decision, reason: refused.reason, code: 'unattributed', via: refused.via, requestId: refused.requestId },
    });
    await this.appendEvent(event);
  }

  private async recordIntegrationProblem(type: string, actor: string, err: unknown): Promise<void> {
    await this.appendEvent(this.nextEvent({ type, actor, actorRole: null, note: failureText(err) }));
  }

  // --- the case record: events, snapshots ---

  private nextEvent({ type, actor, actorRole, note, details }: EventDraft): CaseEventView {
    return { seq: ++this.eventSeq, type, actor, actorRole, note, at: new Date().toISOString(), ...(details ? { details } : {}) };
  }

  /** An event without a case change (a refusal, an integration problem), on the audit trail and the timeline. */
  private async appendEvent(event: CaseEventView): Promise<void> {
    await db.appendCaseEvent({ workflowId: this.workflowId, transactionRef: this.state.transactionRef, caseId: this.state.case?.caseId ?? null, event });
    this.state.events.push(event);
  }

  /** Persist a new case snapshot with its audit event, then make it the state. */
  private async commitCase(next: CaseView, event: CaseEventView, status: TransactionStatus, notify?: CaseNotice): Promise<void> {
    const { state } = this;
    await db.recordCaseChange({ workflowId: this.workflowId, transactionRef: state.transactionRef, caseView: next, transactionStatus: status, event, notify });
    state.case = next;
    state.status = status;
    state.events.push(event);
    upsertSearchAttributes(caseSearchAttributes(next));
  }

  // --- needs_attention: a step that fails for good waits for an operator's retry or close ---

  /**
   * Runs one step of the lifecycle. When it fails for good (a non-retryable failure, or its retries
   * ran out) the transaction moves to needs_attention and waits; an operator's retry runs the step
   * again (`retried` true), a close ends the lifecycle. Before this version such a failure failed
   * the run, and histories from then replay so.
   */
  private async step<T>(name: AttentionStep, run: (retried: boolean) => Promise<T>): Promise<T> {
    for (let retried = false; ; retried = true) {
      try {
        return await run(retried);
      } catch (err) {
        // an activity's failure (a local activity's arrives as its ApplicationFailure or timeout)
        const failedForGood = err instanceof TemporalFailure && !(err instanceof CancelledFailure);
        if (!failedForGood || !patched('needs-attention')) throw err;
        await this.awaitOperator(name, err);
      }
    }
  }

  private async awaitOperator(step: AttentionStep, err: TemporalFailure): Promise<void> {
    const { state } = this;
    const reason = failureText(err);
    const failureType = failureTypeOf(err);
    const event = this.nextEvent({ type: 'needs_attention', actor: LIFECYCLE_ACTOR, actorRole: null, note: reason, details: { step, failureType } });
    await attentionRecorder.recordNeedsAttention({ workflowId: this.workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, step, reason, event });
    this.stageBeforeAttention = state.stage;
    state.attention = { step, reason, failureType, since: event.at, statusBefore: state.status };
    state.status = 'needs_attention';
    state.stage = 'needs_attention';
    state.events.push(event);
    upsertSearchAttributes([{ key: searchAttributes.attention, value: 'needs_attention' }]);
    upsertMemo({ attentionStep: step, attentionReason: reason });
    log.warn('a step failed for good: the transaction needs attention', { step, failureType, reason });
    this.operatorAction = null;
    await condition(() => this.operatorAction !== null);
    if (this.operatorAction === 'close') {
      await condition(allHandlersFinished);
      throw new ClosedByOperator(state);
    }
    this.operatorAction = null;
    upsertSearchAttributes([{ key: searchAttributes.attention, value: null }]);
  }

  private resolveAttention(action: 'retry' | 'close', input: AttentionActionInput): Promise<LifecycleState> {
    return this.operatorActions.runExclusive(async () => {
      const { state } = this;
      try {
        const attention = state.attention!;
        const note = input.note?.trim() || null;
        const status: TransactionStatus = action === 'close' ? 'closed_by_operator' : attention.statusBefore;
        const event = this.nextEvent({
          type: action === 'close' ? 'attention_closed' : 'attention_retried',
          actor: input.actor.username,
          actorRole: input.actor.role,
          note,
          details: { step: attention.step, reason: attention.reason, requestId: input.requestId },
        });
        await attentionRecorder.recordAttentionResolved({ workflowId: this.workflowId, transactionRef: state.transactionRef, caseId: state.case?.caseId ?? null, status, event });
        state.events.push(event);
        state.status = status;
        if (action === 'close') {
          state.stage = 'closed';
          upsertSearchAttributes([{ key: searchAttributes.attention, value: 'closed_by_operator' }]);
        } else {
          state.stage = this.stageBeforeAttention;
          state.attention = null;
        }
        this.operatorAction = action;
        return state;
      } catch (err) {
        if (err instanceof ActivityFailure) {
          throw ApplicationFailure.create({ type: 'attention_not_recorded', message: `the ${action} could not be recorded: ${failureText(err)}`, nonRetryable: true });
        }
        throw err;
      }
    });
  }
}
