// Read model of what extraction quarantined: newest first, with the reason and the row as read.
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { KingaConfig } from '../../config';
import { closeAttentionUpdate, retryAttentionUpdate, type Actor } from '../../workflows/lifecycle/definitions';
import { isUnavailable, temporalReachable, temporalUiLink, temporalUnavailable } from '../cases/service';
import { ConflictError, ForbiddenError, GatewayTimeoutError, NotFoundError, UnprocessableError, type HttpError } from '../errors';
import type { AttentionList, AttentionQuery, AttentionResolution, QuarantineList, QuarantineQuery } from './schemas';

interface QuarantineRow {
  id: string | number;
  source: string;
  cursor_value: string;
  transaction_ref: string | null;
  field: string;
  reason: string;
  raw_row: Record<string, unknown>;
  extraction_run_id: string | null;
  quarantined_at: Date;
}

export async function listQuarantinedRows(db: Knex, query: QuarantineQuery): Promise<QuarantineList> {
  const [rows, count] = await Promise.all([
    db<QuarantineRow>('quarantined_warehouse_rows').select('*').orderBy([{ column: 'quarantined_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit).offset(query.offset),
    db('quarantined_warehouse_rows').count<{ n: string }[]>({ n: '*' }),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      source: r.source,
      cursor: r.cursor_value,
      transactionRef: r.transaction_ref,
      field: r.field,
      reason: r.reason,
      row: r.raw_row,
      extractionRunId: r.extraction_run_id,
      quarantinedAt: new Date(r.quarantined_at).toISOString(),
    })),
  };
}

// ---- needs_attention

interface AttentionRow {
  transaction_ref: string;
  workflow_id: string | null;
  attention_step: string | null;
  attention_reason: string | null;
  attention_since: Date | null;
  customer_id: string;
  amount: string;
  currency: string;
  channel: string;
  occurred_at: Date;
}

/** Transactions waiting in needs_attention, longest waiting first. */
export async function listNeedingAttention(db: Knex, config: Pick<KingaConfig, 'temporal'>, query: AttentionQuery): Promise<AttentionList> {
  const waiting = () => db('transactions').where({ status: 'needs_attention' });
  const [rows, count] = await Promise.all([
    waiting()
      .select<AttentionRow[]>('transaction_ref', 'workflow_id', 'attention_step', 'attention_reason', 'attention_since', 'customer_id', 'amount', 'currency', 'channel', 'occurred_at')
      .orderBy([{ column: 'attention_since', order: 'asc' }, { column: 'transaction_ref', order: 'asc' }])
      .limit(query.limit)
      .offset(query.offset),
    waiting().count<{ n: string }[]>({ n: '*' }),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    items: rows.map((r) => ({
      transactionRef: r.transaction_ref,
      workflowId: r.workflow_id,
      step: r.attention_step ?? 'unknown',
      reason: r.attention_reason ?? '',
      since: new Date(r.attention_since ?? r.occurred_at).toISOString(),
      customerId: r.customer_id,
      amount: String(r.amount),
      currency: r.currency,
      channel: r.channel,
      occurredAt: new Date(r.occurred_at).toISOString(),
      temporalUiUrl: r.workflow_id ? temporalUiLink(config, r.workflow_id) : null,
    })),
  };
}

const ATTENTION_REFUSALS: Record<string, (reason: string) => HttpError> = {
  conflict: (reason) => new ConflictError(reason),
  forbidden: (reason) => new ForbiddenError(reason),
  invalid: (reason) => new UnprocessableError(reason, 'note'),
  attention_not_recorded: (reason) => new UnprocessableError(reason),
};

/**
 * An operator's retry or close, sent as the workflow's Update (update id from the request id, so a
 * client retrying the request acts once) and awaited at most `waitMs`. The workflow's validator has
 * the final word on who may and when; it records the action with its actor in the audit trail.
 */
export async function resolveAttention(
  deps: { db: Knex; temporal: Client },
  transactionRef: string,
  action: 'retry' | 'close',
  note: string | undefined,
  actor: Actor,
  requestId: string,
  waitMs: number,
): Promise<AttentionResolution> {
  const row = await deps.db('transactions').where({ transaction_ref: transactionRef }).first<{ status: string; workflow_id: string | null } | undefined>('status', 'workflow_id');
  if (!row) throw new NotFoundError(`transaction ${transactionRef} not found`, 'transactionId');
  if (row.status !== 'needs_attention' || !row.workflow_id) throw new ConflictError(`transaction ${transactionRef} does not need attention (status ${row.status})`, 'transactionId');
  const handle = deps.temporal.workflow.getHandle(row.workflow_id);
  try {
    const state = await deps.temporal.withDeadline(Date.now() + waitMs, () =>
      handle.executeUpdate(action === 'retry' ? retryAttentionUpdate : closeAttentionUpdate, {
        args: [{ actor, note, requestId }],
        updateId: `attention-${action}-${requestId}`,
      }),
    );
    return { action, requestId, transactionRef, status: state.status, stage: state.stage };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      if (cause instanceof ApplicationFailure && cause.type && ATTENTION_REFUSALS[cause.type]) throw ATTENTION_REFUSALS[cause.type]!(cause.message);
      throw err;
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
      if (!(await temporalReachable(deps.temporal))) throw temporalUnavailable();
      throw new GatewayTimeoutError(`the ${action} of ${transactionRef} was not confirmed in time (the worker may be down); look at the transaction before sending it again, or send it again with the same X-Request-Id`);
    }
    if (err instanceof WorkflowNotFoundError) throw new ConflictError(`the lifecycle of ${transactionRef} has ended`, 'transactionId');
    throw err;
  }
}
