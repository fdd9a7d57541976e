// The real-time answer for the bank's switch: record the transaction, then start its lifecycle and
// ask it for routing's answer in one round trip (update-with-start), waiting up to a bound.
//   200 { status: approved | flagged | held | …, riskLevel, score, caseId }   routing has decided
//   202 { status: pending, … }                                               the bound passed first
// A retry of the same transaction gets the same answer: a running lifecycle answers from its
// state, a finished one from the transactions table it wrote.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { FxLookup } from '../../db/fxRates';
import { z } from 'zod';
import { lifecycleWorkflowId, realtimeAnswerUpdate, type RealtimeAnswer, type TransactionStatus } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import type { RiskLevel } from '../../risk/types';
import { requestErrorMap, ServiceUnavailableError } from '../errors';
import { recordTransactions, startLifecycle } from './service';
import type { InputLimits } from '../../boundary/inputRules';
import { ingestSchemas, type TransactionInput } from './schemas';

export interface RealtimeDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** how long the caller waits for routing's answer */
  boundMs: number;
  /** how amounts in other currencies are valued in KES */
  fx: FxLookup;
}

export type RealtimeResult =
  | (RealtimeAnswer & { answered: true; created: boolean; elapsedMs: number })
  | { answered: false; transactionRef: string; workflowId: string; status: 'pending'; created: boolean; elapsedMs: number; message: string };

/** One transaction (not a batch), under the boundary's configured rules; errors name the field, as POST /api/transactions does. */
export function realtimeBodySchema(limits?: InputLimits) {
  const { transactionInput } = ingestSchemas(limits);
  return z.unknown().transform((value, ctx): TransactionInput => {
    const result = transactionInput.safeParse(value, { error: requestErrorMap });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
        ctx.addIssue({ code: 'custom', path, message: issue.message });
      }
      return z.NEVER;
    }
    return result.data;
  });
}

export const realtimeAnswerJson = z
  .object({
    transactionRef: z.string(),
    workflowId: z.string(),
    status: z.string().meta({ description: 'approved (low risk), flagged (medium, a case), held (high, a case); pending when the bound passed first' }),
    riskLevel: z.enum(['low', 'medium', 'high']).nullable(),
    score: z.number().nullable(),
    caseId: z.number().int().nullable().meta({ description: 'the case reference for medium and high risk' }),
    created: z.boolean().meta({ description: 'false for a retry of a transaction already recorded' }),
    elapsedMs: z.number().meta({ description: 'how long Kinga took to answer' }),
  })
  .meta({ id: 'RealtimeAnswer' });

export const realtimePendingJson = z
  .object({
    transactionRef: z.string(),
    workflowId: z.string(),
    status: z.literal('pending'),
    created: z.boolean(),
    elapsedMs: z.number(),
    message: z.string(),
  })
  .meta({ id: 'RealtimePending' });

export async function answerInRealTime(deps: RealtimeDeps, txn: TransactionInput, requestId?: string, signal?: AbortSignal): Promise<RealtimeResult> {
  const started = performance.now();
  const [recorded] = await recordTransactions(deps.db, [txn], { requestId, batch: false, fx: deps.fx });
  const { transactionRef, workflowId, created } = recorded!;
  const elapsedMs = () => Math.round(performance.now() - started);

  // Ends the wait once the caller has its answer (or has gone): otherwise the client keeps
  // long-polling the update for as long as the lifecycle waits for a worker, past the answer and
  // up to the Temporal connection's close, where a retry of the poll then fails on a shut channel.
  const stopWaiting = new AbortController();
  const startLifecycleOperation = new WithStartWorkflowOperation<typeof transactionLifecycle>('transactionLifecycle', {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [{ transactionRef, requestId }],
    // a running lifecycle answers the retry; a finished one is never started again
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  let startConfirmed = false;
  startLifecycleOperation.workflowHandle().then(
    () => (startConfirmed = true),
    () => undefined, // the answer below carries the failure
  );
  const answer = deps.temporal
    .withAbortSignal(stopWaiting.signal, () => deps.temporal.workflow.executeUpdateWithStart(realtimeAnswerUpdate, { startWorkflowOperation: startLifecycleOperation }))
    .then((a): RealtimeAnswer | null => a)
    .catch(async (err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return answerFromRecord(deps.db, transactionRef, workflowId);
      throw err;
    });
  let timer: NodeJS.Timeout | undefined;
  let onCallerGone: (() => void) | undefined;
  // the bound, or the caller gone before it (then there is no one to wait for)
  const bound = new Promise<'bound'>((resolve) => {
    timer = setTimeout(() => resolve('bound'), deps.boundMs);
    onCallerGone = () => resolve('bound');
    if (signal?.aborted) resolve('bound');
    else signal?.addEventListener('abort', onCallerGone, { once: true });
  });
  try {
    const first = await Promise.race([answer, bound]);
    if (first !== 'bound' && first !== null) return { ...first, answered: true, created, elapsedMs: elapsedMs() };
  } finally {
    clearTimeout(timer);
    if (onCallerGone) signal?.removeEventListener('abort', onCallerGone);
    answer.catch(() => undefined); // answered by the bound: a later failure has no one to tell
    stopWaiting.abort();
  }
  // The wait was ended before the server confirmed the start (it answers only when the update is
  // accepted or its long poll ends): make sure the lifecycle runs, so "recorded" also means "will
  // be routed". A plain start returns at once; a running or finished lifecycle is left as it is.
  if (!startConfirmed) {
    try {
      await startLifecycle({ temporal: deps.temporal, taskQueue: deps.taskQueue }, { transactionRef, requestId });
    } catch (err) {
      throw new ServiceUnavailableError(`the transaction was recorded but its workflow could not be started (${(err as Error).message}); send the same request again`);
    }
  }
  return {
    answered: false,
    transactionRef,
    workflowId,
    status: 'pending',
    created,
    elapsedMs: elapsedMs(),
    message: `recorded, but not routed within ${deps.boundMs} ms; send the same request again, or read GET /api/transactions/${transactionRef}`,
  };
}

/** A finished lifecycle's answer, from the rows it wrote (null if it is not routed yet). */
async function answerFromRecord(db: Knex, transactionRef: string, workflowId: string): Promise<RealtimeAnswer | null> {
  const row = await db('transactions')
    .leftJoin('analyst_cases', 'analyst_cases.transaction_ref', 'transactions.transaction_ref')
    .where('transactions.transaction_ref', transactionRef)
    .first<{ status: string; risk_level: string | null; risk_score: string | null; case_id: number | null }>(
      'transactions.status',
      'transactions.risk_level',
      'transactions.risk_score',
      'analyst_cases.id as case_id',
    );
  if (!row || row.status === 'received') return null;
  return {
    transactionRef,
    workflowId,
    status: row.status as TransactionStatus,
    riskLevel: (row.risk_level as RiskLevel | null) ?? null,
    score: row.risk_score === null ? null : Number(row.risk_score),
    caseId: row.case_id ?? null,
  };
}

/** For tests and the benchmark: the workflow ID the answer names. */
export const realtimeWorkflowId = lifecycleWorkflowId;
