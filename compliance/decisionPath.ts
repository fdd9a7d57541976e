// The decision path: what happened to one transaction, read from its workflow history alone —
// no database, no current configuration — so it shows what the workflow actually saw and did.
// Pure: it takes a validated JSON history and returns readable steps with their data.
import type { CaseEventView, CaseView, DecisionInput, LifecycleState } from '../workflows/lifecycle/definitions';
import type { ScoreBreakdown, TazamaBreakdown, Transaction } from '../risk/types';
import { attributesOf, eventKind, historyIdentity, type HistoryEventJson, type HistoryJson } from './history';
import { decodeFirst, decodePayloads } from './payloads';

import type { DecisionOutcome, DecisionPath, DecisionStep, StepKind } from './views';

// the view models are defined once, in views.ts (zod); callers keep importing them from here
export type { DecisionOutcome, DecisionPath, DecisionStep, StepKind } from './views';

// ------------------------------------------------------------------------------------------------
// formatting helpers

/** "1500000.00" → "1,500,000.00": grouped without ever becoming a float. */
export function formatAmount(amount: string | number): string {
  const text = String(amount);
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

const signed = (n: number) => `${n >= 0 ? '+' : '-'}${Math.abs(n).toFixed(2)}`;
const quoted = (note: string | null | undefined) => (note ? ` — "${note}"` : '');
const actorText = (actor: { username?: string; role?: string } | undefined) =>
  actor?.username ? `${actor.username}${actor.role ? ` (${actor.role})` : ''}` : 'an unnamed actor';

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isScoreBreakdown(value: unknown): value is ScoreBreakdown {
  const v = asRecord(value);
  return typeof v.score === 'number' && typeof v.level === 'string' && Array.isArray(v.rules);
}

function isTransaction(value: unknown): value is Transaction {
  const v = asRecord(value);
  return typeof v.transactionRef === 'string' && v.amount !== undefined && typeof v.currency === 'string';
}

/** A Temporal duration string ("14399.984s") in words. */
function durationText(value: unknown): string {
  const seconds = typeof value === 'string' ? Number.parseFloat(value) : NaN;
  if (!Number.isFinite(seconds)) return String(value ?? '?');
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7200) return `${Math.round(seconds / 6) / 10} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/** Event time as ISO 8601 with milliseconds (the history keeps nanoseconds, which no reader needs). */
function isoTime(event: HistoryEventJson): string {
  const raw = event.eventTime;
  if (!raw) return '';
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? raw : new Date(ms).toISOString();
}

function failureMessage(failure: unknown): string {
  const f = asRecord(failure);
  const cause = asRecord(f.cause);
  const type = asRecord(f.applicationFailureInfo).type;
  const own = `${typeof type === 'string' && type ? `${type}: ` : ''}${String(f.message ?? 'failed')}`;
  return cause.message ? `${own} (cause: ${String(cause.message)})` : own;
}

// ------------------------------------------------------------------------------------------------
// step builders

export function transactionLines(t: Transaction): string[] {
  return [
    `${formatAmount(t.amount)} ${t.currency} ${t.type} via ${t.channel}${t.merchantName ? ` at ${t.merchantName}` : ''}${t.merchantId ? ` (${t.merchantId})` : ''}`,
    `customer ${t.customerId}, account ${t.accountId}, in ${t.city}, ${t.country}, occurred ${t.occurredAt}`,
  ];
}

function tazamaLines(t: TazamaBreakdown): string[] {
  const lines = [`Tazama: ${t.outcome}${t.status ? ` ${t.status}` : ''}${t.receivedVia ? ` (via ${t.receivedVia})` : ''} ${signed(t.contribution)} — ${t.detail}`];
  for (const typology of t.typologies ?? []) {
    lines.push(
      `  typology ${typology.id}: score ${typology.score} (alert at ${typology.alertThreshold})${typology.alert ? ' ALERT' : ''}${typology.interdiction ? ' INTERDICTION' : ''}; rules ${typology.ruleIds.join(', ')}`,
    );
  }
  for (const rule of t.rules ?? []) lines.push(`  rule ${rule.id} band ${rule.subRuleRef}${rule.reason ? `: ${rule.reason}` : ''}`);
  return lines;
}

export function scoreLines(s: ScoreBreakdown): string[] {
  const width = Math.max(0, ...s.rules.map((r) => r.rule.length));
  const lines = s.rules.map((r) => `${r.hit ? '+' : ' '} ${r.rule.padEnd(width)}  ${signed(r.contribution)}  ${r.detail}`);
  const a = s.anomaly;
  if (a) {
    lines.push(
      a.enabled
        ? `  anomaly model v${a.modelVersion ?? '?'}: score ${a.score ?? 'n/a'} ${signed(a.contribution)} — ${a.detail}`
        : `  anomaly model: off — ${a.detail}`,
    );
  }
  if (s.tazama) lines.push(...tazamaLines(s.tazama));
  if (s.thresholds) lines.push(`  levels: medium from ${s.thresholds.medium / 10_000}, high from ${s.thresholds.high / 10_000}`);
  return lines;
}

function scoreData(s: ScoreBreakdown): Record<string, unknown> {
  return {
    score: s.score,
    points: s.points,
    level: s.level,
    modelVersion: s.modelVersion,
    thresholds: s.thresholds,
    rules: s.rules.map((r) => ({ rule: r.rule, label: r.label, hit: r.hit, points: r.points, contribution: r.contribution, detail: r.detail })),
    anomaly: s.anomaly,
    ...(s.tazama ? { tazama: s.tazama } : {}),
  };
}

function scoredTitle(s: ScoreBreakdown): string {
  const anomaly = s.anomaly?.enabled && s.anomaly.score !== null ? `, anomaly ${s.anomaly.score}` : '';
  const tazama = s.tazama ? `, Tazama ${s.tazama.status ?? s.tazama.outcome}` : '';
  return `score ${s.score} → ${s.level} risk (model ${s.modelVersion}${anomaly}${tazama})`;
}

function caseEventTitle(e: CaseEventView): string {
  return `${e.type} by ${e.actor}${e.actorRole ? ` (${e.actorRole})` : ''}${quoted(e.note)}`;
}

function caseEventLines(e: CaseEventView): string[] {
  const d = asRecord(e.details);
  const lines: string[] = [];
  // needs_attention and an operator's retry or close name the step that failed and why
  if (typeof d.step === 'string') lines.push(`failed step: ${d.step}${d.failureType ? ` [${String(d.failureType)}]` : ''}${typeof d.reason === 'string' ? ` — ${d.reason}` : ''}`);
  else if (typeof d.reason === 'string') lines.push(`refused: ${d.reason}${d.code ? ` [${String(d.code)}]` : ''}${d.via ? ` (via ${String(d.via)})` : ''}`);
  if (typeof d.escalationLevel === 'number') lines.push(`escalation level ${d.escalationLevel}`);
  if (typeof d.missedDueAt === 'string') lines.push(`missed SLA due ${d.missedDueAt}`);
  if (typeof d.requestId === 'string') lines.push(`request ${d.requestId}`);
  return lines;
}

function decisionText(input: Partial<DecisionInput>): string {
  return `${String(input.decision ?? '?')} by ${actorText(input.actor)}${quoted(input.note)}`;
}

function outcomeOfState(state: Partial<LifecycleState>): DecisionOutcome {
  const c = (state.case ?? null) as CaseView | null;
  if (state.status === 'closed_by_operator') {
    // closed from needs_attention: the operator's close is the decision
    const closed = [...(state.events ?? [])].reverse().find((e) => e.type === 'attention_closed');
    return { status: state.status, stage: state.stage ?? null, caseId: c?.caseId ?? null, decision: 'close', decidedBy: closed?.actor ?? null, decidedAt: closed?.at ?? null, note: closed?.note ?? null };
  }
  return {
    status: state.status ?? null,
    stage: state.stage ?? null,
    caseId: c?.caseId ?? null,
    decision: c?.decision ?? (state.status === 'approved' && !c ? 'auto_approve' : null),
    decidedBy: c?.decidedBy ?? (state.status === 'approved' && !c ? 'system:lifecycle' : null),
    decidedAt: c?.decidedAt ?? null,
    note: c?.decisionNote ?? null,
  };
}

// ------------------------------------------------------------------------------------------------

interface Scheduled {
  eventId: number;
  activityType: string;
  input: unknown;
}

/** Reads the decision path out of a validated JSON history. */
export function extractDecisionPath(history: HistoryJson): DecisionPath {
  const identity = historyIdentity(history);
  const steps: DecisionStep[] = [];
  const scheduled = new Map<number, Scheduled>();
  const timers = new Map<string, { eventId: number; at: string; timeout: unknown }>();
  const updates = new Map<number, DecisionStep>();
  let transactionRef: string | null = null;
  let taskQueue: string | null = null;
  let score: DecisionPath['score'] = null;
  let outcome: DecisionOutcome | null = null;
  let closedAt: string | null = null;

  const push = (event: HistoryEventJson, kind: StepKind, title: string, data: Record<string, unknown>, lines: string[] = [], caseEvents?: CaseEventView[]) => {
    const step: DecisionStep = { eventId: Number(event.eventId), eventType: eventKind(event), at: isoTime(event), kind, title, lines, data };
    if (caseEvents?.length) step.caseEvents = caseEvents;
    steps.push(step);
    return step;
  };

  const scored = (event: HistoryEventJson, s: ScoreBreakdown, extra: Record<string, unknown> = {}) => {
    score = { score: s.score, level: s.level, modelVersion: s.modelVersion };
    push(event, 'scored', scoredTitle(s), { ...extra, ...scoreData(s) }, scoreLines(s));
  };

  const transactionLoaded = (event: HistoryEventJson, base: Record<string, unknown>, result: unknown): boolean => {
    const r = asRecord(result);
    const t = r.transaction;
    if (!isTransaction(t)) return false;
    transactionRef ??= t.transactionRef;
    push(event, 'transaction_loaded', `transaction ${t.transactionRef} loaded`, { ...base, transaction: t, casePolicy: r.casePolicy }, transactionLines(t));
    return true;
  };

  const routedStep = (event: HistoryEventJson, base: Record<string, unknown>, input: Record<string, unknown>) => {
    const events = (input.events as CaseEventView[] | undefined) ?? [];
    const s = isScoreBreakdown(input.score) ? input.score : undefined;
    const status = String(input.status ?? '?');
    const routedTo = status === 'approved' ? 'approved automatically, no case' : `${status}: a case is needed`;
    // the score routing used: the local score, with Tazama's section once it has been applied
    if (s) score = { score: s.score, level: s.level, modelVersion: s.modelVersion };
    const lines = s?.tazama ? [`final score ${s.score} (${s.level}) after ${tazamaLines(s.tazama)[0]}`, ...tazamaLines(s.tazama).slice(1)] : [];
    push(
      event,
      'routed',
      `routed as ${s?.level ?? '?'} risk (score ${s?.score ?? '?'}) → ${routedTo}`,
      { ...base, status, level: s?.level ?? null, score: s?.score ?? null, events: events.map((e) => e.type), ...(s?.tazama ? { tazama: s.tazama } : {}) },
      [...lines, ...events.map((e) => `audit: ${caseEventTitle(e)}`)],
      events,
    );
  };

  /** One-step routing (a local activity): loaded, scored and — Tazama off — routed, in that order. */
  const assessed = (event: HistoryEventJson, result: unknown) => {
    const base = { activityType: 'assessTransaction', local: true };
    const r = asRecord(result);
    transactionLoaded(event, base, r);
    if (!isScoreBreakdown(r.score)) return;
    scored(event, r.score, base);
    const routed = asRecord(r.routed);
    if (!r.routed) return;
    const t = r.score.tazama;
    if (t) push(event, 'tazama', `Tazama ${t.outcome.replace('_', ' ')}: ${t.detail}`, { ...base, tazama: t }, []);
    routedStep(event, base, { score: r.score, status: routed.status, events: routed.events });
  };

  const activityCompleted = (event: HistoryEventJson, act: Scheduled, result: unknown) => {
    const input = asRecord(act.input);
    const base = { activityType: act.activityType, scheduledEventId: act.eventId };
    switch (act.activityType) {
      case 'loadTransaction':
        if (transactionLoaded(event, base, result)) return;
        break;
      case 'recordRouting':
        routedStep(event, base, input);
        return;
      case 'submitToTazama': {
        const r = asRecord(result);
        const title = r.enabled
          ? `submitted to Tazama (pacs.008 + pacs.002, message ${String(r.msgId)}), waiting up to ${durationText(`${Number(r.timeoutMs) / 1000}s`)}`
          : 'not submitted to Tazama: the integration is switched off';
        push(event, 'tazama', title, { ...base, result }, []);
        return;
      }
      case 'fetchTazamaResult': {
        const r = asRecord(result);
        push(event, 'tazama', result ? `Tazama polled: ${String(r.status ?? '?')} (evaluation ${String(r.evaluationId ?? '?')})` : 'Tazama polled: no evaluation yet', { ...base, input: act.input, result }, []);
        return;
      }
      case 'recordTazamaOutcome': {
        const o = asRecord(input.outcome);
        const evaluation = asRecord(o.evaluation);
        const title =
          o.kind === 'evaluated'
            ? `Tazama evaluated: ${String(evaluation.status ?? '?')} (received via ${String(o.receivedVia ?? '?')}, message ${String(o.msgId ?? '?')})`
            : `Tazama ${String(o.kind ?? '?').replace('_', ' ')}: ${String(o.detail ?? '')}`;
        const typologies = Array.isArray(evaluation.typologies) ? (evaluation.typologies as Record<string, unknown>[]) : [];
        push(
          event,
          'tazama',
          title,
          { ...base, outcome: input.outcome },
          typologies.map((t) => `typology ${String(t.id)}: score ${String(t.score)} (alert at ${String(t.alertThreshold)})${t.review ? ' REVIEW' : ''}`),
        );
        return;
      }
      case 'openBallerineCase': {
        const r = asRecord(result);
        push(event, 'activity', r.enabled ? `case mirrored to Ballerine (workflow runtime ${String(r.workflowRuntimeId)})` : 'case not mirrored: Ballerine is switched off', { ...base, result }, []);
        return;
      }
      case 'sendBallerineDecision':
        push(event, 'activity', `decision mirrored to Ballerine: ${String(input.decision)} by ${String(input.actor)}${quoted(input.note as string | undefined)}`, { ...base, input: act.input }, []);
        return;
      case 'openCase': {
        const caseId = asRecord(result).caseId;
        const opened = input.event as CaseEventView | undefined;
        push(
          event,
          'case_opened',
          `case ${String(caseId ?? '?')} opened: ${String(input.riskLevel)} risk, for ${String(input.requiredRole)}, SLA due ${String(input.slaDueAt)}`,
          { ...base, caseId: caseId ?? null, riskLevel: input.riskLevel, requiredRole: input.requiredRole, slaDueAt: input.slaDueAt },
          [],
          opened ? [opened] : undefined,
        );
        return;
      }
      case 'recordCaseChange': {
        const e = input.event as CaseEventView | undefined;
        const c = input.caseView as CaseView | undefined;
        if (e && c) {
          const after = c.status === 'closed' ? `case ${c.caseId} closed: ${c.decision}` : `case ${c.caseId} ${c.status}, level ${c.escalationLevel}, for ${c.requiredRole}, SLA due ${c.slaDueAt}`;
          const lines = [...caseEventLines(e), after];
          const notify = asRecord(input.notify);
          if (notify.kind) lines.push(`notified ${String(notify.recipientRole)}: ${String(notify.subject)}`);
          push(event, 'case_change', caseEventTitle(e), { ...base, event: e, caseView: c, transactionStatus: input.transactionStatus, notify: input.notify ?? null }, lines, [e]);
          return;
        }
        break;
      }
      case 'recordNeedsAttention':
      case 'recordAttentionResolved': {
        const e = input.event as CaseEventView | undefined;
        if (e) {
          push(event, 'case_event', caseEventTitle(e), { ...base, event: e, caseId: input.caseId ?? null, transactionStatus: input.status ?? 'needs_attention' }, caseEventLines(e), [e]);
          return;
        }
        break;
      }
      case 'appendCaseEvent': {
        const e = input.event as CaseEventView | undefined;
        if (e) {
          push(event, 'case_event', caseEventTitle(e), { ...base, event: e, caseId: input.caseId ?? null }, caseEventLines(e), [e]);
          return;
        }
        break;
      }
      default:
        break;
    }
    if (isScoreBreakdown(result)) {
      scored(event, result, base);
      return;
    }
    const tazama = /tazama/i.test(act.activityType);
    push(event, tazama ? 'tazama' : 'activity', `${act.activityType} completed`, { ...base, input: act.input, result }, []);
  };

  for (const event of history.events) {
    const kind = eventKind(event);
    const id = Number(event.eventId);
    const a = attributesOf<Record<string, unknown>>(event);
    switch (kind) {
      case 'WorkflowExecutionStarted': {
        const input = decodePayloads(a.input);
        const first = asRecord(input[0]);
        transactionRef = typeof first.transactionRef === 'string' ? first.transactionRef : null;
        taskQueue = (asRecord(a.taskQueue).name as string | undefined) ?? null;
        const type = identity.workflowType ?? '?';
        push(
          event,
          'workflow_started',
          `${type} started${transactionRef ? ` for transaction ${transactionRef}` : ''}`,
          { workflowType: type, taskQueue, input: input.length === 1 ? input[0] : input, attempt: a.attempt ?? null, identity: a.identity ?? null },
          typeof first.requestId === 'string' ? [`request ${first.requestId}`] : [],
        );
        break;
      }
      case 'ActivityTaskScheduled':
        scheduled.set(id, {
          eventId: id,
          activityType: String(asRecord(a.activityType).name ?? '?'),
          input: decodeFirst(a.input),
        });
        break;
      case 'ActivityTaskCompleted': {
        const act = scheduled.get(Number(a.scheduledEventId));
        if (act) activityCompleted(event, act, decodeFirst(a.result));
        break;
      }
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
      case 'ActivityTaskCanceled': {
        const act = scheduled.get(Number(a.scheduledEventId));
        const why = kind === 'ActivityTaskFailed' ? failureMessage(a.failure) : kind === 'ActivityTaskTimedOut' ? `timed out: ${failureMessage(a.failure)}` : 'cancelled';
        push(event, 'activity_failed', `${act?.activityType ?? 'activity'} ${kind === 'ActivityTaskCanceled' ? 'cancelled' : 'failed'}`, {
          activityType: act?.activityType ?? null,
          scheduledEventId: act?.eventId ?? null,
          input: act?.input,
          reason: why,
        }, [why]);
        break;
      }
      case 'MarkerRecorded': {
        const name = String(a.markerName ?? '');
        const details = asRecord(a.details);
        if (name === 'core_local_activity') {
          const meta = asRecord(decodeFirst(details.data));
          const type = String(meta.activity_type ?? 'local activity');
          if (a.failure) {
            const why = failureMessage(a.failure);
            push(event, 'activity_failed', `${type} (local activity) failed`, { activityType: type, local: true, reason: why }, [why]);
            break;
          }
          const result = decodeFirst(details.result);
          if (type === 'assessTransaction') assessed(event, result);
          else if (isScoreBreakdown(result)) scored(event, result, { activityType: type, local: true });
          else push(event, /tazama/i.test(type) ? 'tazama' : 'activity', `${type} (local activity) completed`, { activityType: type, local: true, result }, []);
        } else if (name === 'core_patch') {
          // patched(): the code-version decision is part of the history, so replays take the same branch
          const values = Object.values(details).flatMap((v) => decodePayloads(v));
          const patch = values.map(asRecord).find((v) => typeof v.id === 'string') ?? {};
          push(event, 'code_version', `code version marker: patch "${String(patch.id ?? '?')}"${patch.deprecated ? ' (deprecated)' : ''}`, { patchId: patch.id ?? null, deprecated: patch.deprecated ?? false }, []);
        }
        break;
      }
      case 'WorkflowExecutionSignaled': {
        const name = String(a.signalName ?? '?');
        const args = decodePayloads(a.input);
        const first = asRecord(args[0]);
        let title = `signal ${name}`;
        const lines: string[] = [];
        if (name === 'analystDecision') title = `signal analystDecision: ${decisionText(first as Partial<DecisionInput>)}`;
        else if (name === 'tazamaResult') {
          const status = first.status ?? asRecord(first.evaluation).status ?? first.outcome;
          title = `signal tazamaResult${status ? `: ${String(status)}` : ''}`;
        }
        if (typeof first.requestId === 'string') lines.push(`request ${first.requestId}`);
        push(event, name === 'tazamaResult' ? 'tazama' : 'signal', title, { signalName: name, input: args.length === 1 ? args[0] : args, identity: a.identity ?? null }, lines);
        break;
      }
      case 'WorkflowExecutionUpdateAccepted': {
        const request = asRecord(a.acceptedRequest);
        const input = asRecord(request.input);
        const name = String(input.name ?? '?');
        const args = decodePayloads(input.args);
        const first = asRecord(args[0]);
        const step = push(
          event,
          'decision_update',
          name === 'decide' ? `update decide accepted: ${decisionText(first as Partial<DecisionInput>)}` : `update ${name} accepted`,
          {
            updateName: name,
            updateId: asRecord(request.meta).updateId ?? a.protocolInstanceId ?? null,
            input: args.length === 1 ? args[0] : args,
            outcome: 'pending',
          },
          typeof first.requestId === 'string' ? [`request ${first.requestId}`] : [],
        );
        updates.set(id, step);
        break;
      }
      case 'WorkflowExecutionUpdateCompleted': {
        const step = updates.get(Number(a.acceptedEventId));
        const out = asRecord(a.outcome);
        if (!step) break;
        step.data.completedEventId = id;
        step.data.completedAt = isoTime(event);
        if (out.failure) {
          const why = failureMessage(out.failure);
          step.data.outcome = 'rejected';
          step.data.reason = why;
          step.title = step.title.replace(' accepted:', ' accepted, then rejected:');
          step.lines.push(`rejected by the workflow: ${why}`);
        } else {
          const state = asRecord(decodeFirst(out.success)) as Partial<LifecycleState>;
          step.data.outcome = 'applied';
          step.data.caseAfter = state.case ?? null;
          const c = state.case;
          step.lines.push(c ? `applied: case ${c.caseId} ${c.status}${c.decision ? ` (${c.decision})` : ''}` : 'applied');
        }
        break;
      }
      case 'TimerStarted':
        timers.set(String(a.timerId), { eventId: id, at: isoTime(event), timeout: a.startToFireTimeout });
        break;
      case 'TimerFired': {
        const started = timers.get(String(a.timerId));
        // The lifecycle's only timers are its SLA deadlines: a fired one means the case went undecided.
        push(
          event,
          'timer_fired',
          `timer ${String(a.timerId)} fired after ${durationText(started?.timeout)}: SLA deadline reached`,
          { timerId: a.timerId, startedEventId: started?.eventId ?? null, startedAt: started?.at ?? null, duration: started?.timeout ?? null },
          [],
        );
        break;
      }
      case 'WorkflowExecutionCompleted': {
        const state = asRecord(decodeFirst(a.result)) as Partial<LifecycleState>;
        outcome = outcomeOfState(state);
        closedAt = isoTime(event);
        const lines = outcome.decision ? [`decision: ${outcome.decision} by ${outcome.decidedBy}${outcome.decidedAt ? ` at ${outcome.decidedAt}` : ''}${quoted(outcome.note)}`] : [];
        push(event, 'workflow_closed', `workflow completed: transaction ${state.status ?? '?'}`, { closed: 'completed', result: state }, lines);
        break;
      }
      case 'WorkflowExecutionFailed':
      case 'WorkflowExecutionTimedOut':
      case 'WorkflowExecutionTerminated':
      case 'WorkflowExecutionCanceled':
      case 'WorkflowExecutionContinuedAsNew': {
        closedAt = isoTime(event);
        const how = kind.replace('WorkflowExecution', '').toLowerCase();
        const why = a.failure ? failureMessage(a.failure) : typeof a.reason === 'string' ? a.reason : '';
        push(event, 'workflow_closed', `workflow ${how}${why ? `: ${why}` : ''}`, { closed: how, reason: why || null, identity: a.identity ?? null }, []);
        break;
      }
      default:
        break; // workflow tasks, search attributes, memo: bookkeeping, not decisions
    }
  }

  if (!outcome) {
    // still running: the latest case view the history carries is the state so far
    const lastCase = [...steps].reverse().find((s) => s.kind === 'case_change' || (s.kind === 'decision_update' && s.data.caseAfter));
    const c = (lastCase?.data.caseView ?? lastCase?.data.caseAfter) as CaseView | undefined;
    const opened = steps.find((s) => s.kind === 'case_opened');
    const routed = steps.find((s) => s.kind === 'routed');
    if (c || opened || routed) {
      outcome = {
        status: (lastCase?.data.transactionStatus as string | undefined) ?? (routed?.data.status as string | undefined) ?? null,
        stage: closedAt ? 'closed' : null,
        caseId: c?.caseId ?? (opened?.data.caseId as number | undefined) ?? null,
        decision: c?.decision ?? null,
        decidedBy: c?.decidedBy ?? null,
        decidedAt: c?.decidedAt ?? null,
        note: c?.decisionNote ?? null,
      };
    }
  }

  const last = history.events[history.events.length - 1]!;
  return {
    workflowId: identity.workflowId,
    runId: identity.runId,
    workflowType: identity.workflowType,
    transactionRef,
    taskQueue,
    startedAt: isoTime(history.events[0]!),
    closedAt,
    complete: /^WorkflowExecution(Completed|Failed|TimedOut|Terminated|Canceled|ContinuedAsNew)$/.test(eventKind(last)),
    eventCount: history.events.length,
    score,
    outcome,
    steps,
  };
}

const LABELS: Record<StepKind, string> = {
  workflow_started: 'started',
  transaction_loaded: 'loaded',
  scored: 'scored',
  tazama: 'tazama',
  routed: 'routed',
  case_opened: 'case opened',
  decision_update: 'decision',
  signal: 'signal',
  timer_fired: 'timer',
  case_change: 'case event',
  case_event: 'case event',
  activity: 'activity',
  activity_failed: 'failure',
  code_version: 'code version',
  workflow_closed: 'closed',
};

/** The decision path as plain text, for the CLI and for reading in a terminal. */
export function formatDecisionPath(path: DecisionPath): string {
  const out: string[] = [];
  out.push(`Decision path of ${path.workflowId ?? '(unknown workflow)'} — ${path.workflowType ?? '?'}, run ${path.runId ?? '?'}`);
  if (path.transactionRef) out.push(`Transaction ${path.transactionRef}`);
  out.push(`Started ${path.startedAt ?? '?'}; ${path.closedAt ? `closed ${path.closedAt}` : 'still running (history so far)'}; ${path.eventCount} history events`);
  if (path.score) out.push(`Score ${path.score.score} → ${path.score.level} risk (model ${path.score.modelVersion})`);
  if (path.outcome) {
    const o = path.outcome;
    out.push(
      `Outcome: ${o.status ?? '?'}${o.caseId !== null ? `, case ${o.caseId}` : ''}${o.decision ? `, decision ${o.decision} by ${o.decidedBy ?? '?'}` : ''}${o.decidedAt ? ` at ${o.decidedAt}` : ''}`,
    );
  }
  out.push('');
  const idWidth = Math.max(2, ...path.steps.map((s) => String(s.eventId).length + 1));
  for (const step of path.steps) {
    out.push(`${`#${step.eventId}`.padEnd(idWidth)}  ${step.at}  ${LABELS[step.kind].padEnd(12)}  ${step.title}`);
    for (const line of step.lines) out.push(`${' '.repeat(idWidth + 2 + 24 + 2 + 12 + 2)}${line}`);
  }
  return out.join('\n');
}
