// Cases: the detail is read from the tables the workflow keeps current (the queue: queue.ts); a decision
// goes to the workflow itself as the `decide` Update, whose validator has the final word.
import {
  ApplicationFailure,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Knex } from 'knex';
import type { KingaConfig } from '../../config';
import { decideUpdate, type Actor, type LifecycleState } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { ConflictError, ForbiddenError, GatewayTimeoutError, HttpError, NotFoundError, ServiceUnavailableError, UnprocessableError } from '../errors';
import { temporalCheck } from '../../observability/health';
import { transactionView, type TransactionJson, type TransactionRecord } from '../transactions/views';
import { casePermissions, type Caller } from './permissions';
import type { DecisionBody } from './schemas';
import { caseEventView, caseView, type CaseEventJson, type CaseEventRecord, type CaseJson, type CaseListItemJson, type CaseRecord } from './views';

/** One page of the case queue (api/cases/queue.ts reads it). */
export interface CasePage {
  items: CaseListItemJson[];
  total: number;
  limit: number;
  offset: number;
}

export interface CaseDetail {
  case: CaseJson;
  transaction: TransactionJson | null;
  /** the transaction's whole audit trail (also steps before the case opened), oldest first */
  events: CaseEventJson[];
  temporalUiUrl: string | null;
}

export function temporalUiLink(config: Pick<KingaConfig, 'temporal'>, workflowId: string): string | null {
  const base = config.temporal.uiUrl?.replace(/\/+$/, '');
  if (!base) return null;
  return `${base}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export async function getCase(db: Knex, config: Pick<KingaConfig, 'temporal'>, id: number, caller: Caller): Promise<CaseDetail | null> {
  const row = await db<CaseRecord>('analyst_cases').where({ id }).first();
  if (!row) return null;
  const [txn, events] = await Promise.all([
    db<TransactionRecord>('transactions').where({ transaction_ref: row.transaction_ref }).first(),
    db<CaseEventRecord>('case_events').where({ transaction_ref: row.transaction_ref }).orWhere({ case_id: row.id }).orderBy('id', 'asc'),
  ]);
  return {
    case: caseView(row, casePermissions(row, caller)),
    transaction: txn ? transactionView(txn) : null,
    events: events.map(caseEventView),
    temporalUiUrl: temporalUiLink(config, row.workflow_id),
  };
}

export interface DecideDeps {
  db: Knex;
  temporal: Client;
}

/**
 * Runs the `decide` Update on the case's workflow and returns the workflow's new state. The
 * validator's refusal (an ApplicationFailure typed not_found / conflict / forbidden / invalid)
 * becomes 404 / 409 / 403 / 422 with the validator's reason.
 */
export async function decideCase(deps: DecideDeps, id: number, body: DecisionBody, actor: Actor, requestId: string | undefined): Promise<LifecycleState> {
  const row = await deps.db<CaseRecord>('analyst_cases').where({ id }).first();
  if (!row) throw new NotFoundError(`case ${id} not found`);
  const handle = deps.temporal.workflow.getHandle<typeof transactionLifecycle>(row.workflow_id);
  try {
    return await handle.executeUpdate(decideUpdate, {
      args: [{ decision: body.decision, note: body.note, actor, requestId }],
      // A client retrying with the same X-Request-Id gets the first outcome instead of a second decision.
      ...(requestId ? { updateId: `decide-${requestId}` } : {}),
    });
  } catch (err) {
    throw await decisionError(err, row, handle);
  }
}

/** The Temporal update id of a decision: the request id, so a retried request is one decision. */
export function decisionUpdateId(requestId: string): string {
  return `decide-${requestId}`;
}

export type DecisionSubmission = { status: 'applied'; state: LifecycleState } | { status: 'pending' };

/** How long the API waits before telling a client to come back when Temporal does not answer. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** gRPC UNAVAILABLE (14): the Temporal frontend cannot be reached. */
export function isUnavailable(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  return typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === 14;
}

export async function temporalReachable(temporal: Client): Promise<boolean> {
  try {
    await temporalCheck(temporal.connection, 2_000)();
    return true;
  } catch {
    return false;
  }
}

export function temporalUnavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError('Temporal cannot be reached; nothing was decided — send the same request again later', TEMPORAL_RETRY_AFTER_SECONDS);
}

/**
 * Sends the decision as the `decide` Update (update id = the request id) and waits at most
 * `waitMs` for the workflow's answer. The workflow answers → applied (or the refusal as an
 * HttpError). No answer in time — the worker is down or slow — → pending: Temporal keeps the
 * update and the workflow applies it when it runs again; the client follows it with
 * GET …/decisions/<requestId>, and a retry with the same request id joins the same update instead
 * of deciding twice. Temporal itself unreachable → 503 with Retry-After.
 */
export async function submitDecision(
  deps: DecideDeps,
  id: number,
  body: DecisionBody,
  actor: Actor,
  requestId: string,
  waitMs: number,
): Promise<DecisionSubmission> {
  const row = await deps.db<CaseRecord>('analyst_cases').where({ id }).first();
  if (!row) throw new NotFoundError(`case ${id} not found`);
  const handle = deps.temporal.workflow.getHandle<typeof transactionLifecycle>(row.workflow_id);
  try {
    const state = await deps.temporal.withDeadline(Date.now() + waitMs, () =>
      handle.executeUpdate(decideUpdate, { args: [{ decision: body.decision, note: body.note, actor, requestId }], updateId: decisionUpdateId(requestId) }),
    );
    return { status: 'applied', state };
  } catch (err) {
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
      if (!(await temporalReachable(deps.temporal))) throw temporalUnavailable();
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { status: 'pending' };
    }
    throw await decisionError(err, row, handle);
  }
}

export interface DecisionStatus {
  requestId: string;
  caseId: number;
  status: 'pending' | 'applied' | 'refused';
  /** applied: what was decided, by whom, when (from the audit trail when it holds the decision) */
  decision?: string;
  decidedBy?: string;
  decidedAt?: string;
  /** applied, while the workflow still answers: its state after the decision */
  state?: LifecycleState;
  /** refused: why, and the HTTP status the decision was refused with */
  reason?: string;
  refusal?: { status: number; error: string };
}

const APPLIED_EVENTS: Record<string, string> = { approved: 'approve', blocked: 'block', escalated: 'escalate' };
/** How long a status request looks for the update's outcome before saying "pending". */
const STATUS_POLL_MS = 2_000;

/** Where the decision sent with `requestId` stands: pending, applied or refused. */
export async function decisionStatus(deps: DecideDeps, id: number, requestId: string): Promise<DecisionStatus> {
  const row = await deps.db<CaseRecord>('analyst_cases').where({ id }).first();
  if (!row) throw new NotFoundError(`case ${id} not found`);
  const base = { requestId, caseId: id };
  // The audit trail first: it keeps the decision after the workflow's history is gone.
  const event = await deps.db<CaseEventRecord>('case_events')
    .where({ case_id: id })
    .whereIn('event_type', Object.keys(APPLIED_EVENTS))
    .whereRaw(`payload->>'requestId' = ?`, [requestId])
    .orderBy('id', 'asc')
    .first();
  if (event) {
    return { ...base, status: 'applied', decision: APPLIED_EVENTS[event.event_type]!, decidedBy: event.actor, decidedAt: new Date(event.occurred_at).toISOString() };
  }
  const handle = deps.temporal.workflow.getHandle<typeof transactionLifecycle>(row.workflow_id);
  try {
    const state = await deps.temporal.withDeadline(Date.now() + STATUS_POLL_MS, () => handle.getUpdateHandle<LifecycleState>(decisionUpdateId(requestId)).result());
    return { ...base, status: 'applied', state };
  } catch (err) {
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
      if (!(await temporalReachable(deps.temporal))) throw temporalUnavailable();
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { ...base, status: 'pending' };
    }
    if (err instanceof WorkflowUpdateFailedError) {
      const refusal = await decisionError(err, row, handle);
      const http = refusal instanceof HttpError ? refusal : new HttpError(500, 'decision_failed', String(err.message));
      return { ...base, status: 'refused', reason: http.message, refusal: { status: http.status, error: http.code } };
    }
    if (err instanceof WorkflowNotFoundError) {
      throw new NotFoundError(`no decision with request id ${requestId} is known for case ${id}; if it was sent, send it again with the same X-Request-Id`);
    }
    throw err;
  }
}

const REFUSALS: Record<string, (reason: string) => HttpError> = {
  not_found: (reason) => new NotFoundError(reason),
  conflict: (reason) => new ConflictError(reason),
  forbidden: (reason) => new ForbiddenError(reason),
  invalid: (reason) => new UnprocessableError(reason),
  // the workflow could not record it (the database refused the data); the case stays open
  decision_not_recorded: (reason) => new UnprocessableError(reason),
};

function closedMessage(row: CaseRecord): string {
  return row.decision ? `case ${row.id} is closed (${row.decision} by ${row.decided_by})` : `case ${row.id} is closed`;
}

async function decisionError(err: unknown, row: CaseRecord, handle: WorkflowHandle): Promise<unknown> {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && REFUSALS[cause.type]) return REFUSALS[cause.type]!(cause.message);
    return new HttpError(500, 'decision_failed', `the decision failed in the workflow: ${cause?.message ?? err.message}`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new GatewayTimeoutError(`the decision on case ${row.id} was not confirmed in time; look at the case before deciding again`);
  }
  if (err instanceof WorkflowNotFoundError) {
    // Temporal answers NOT_FOUND both for a finished workflow and for one it does not know.
    try {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return new ConflictError(closedMessage(row));
    } catch (describeErr) {
      if (!(describeErr instanceof WorkflowNotFoundError)) return describeErr;
      // History gone (retention) after the case closed, or a workflow that never existed.
      if (row.status === 'closed') return new ConflictError(closedMessage(row));
      return new NotFoundError(`the workflow ${row.workflow_id} of case ${row.id} was not found`);
    }
  }
  return err;
}
