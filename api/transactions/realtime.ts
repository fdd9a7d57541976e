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
import { requestErrorMap } from '../errors';
import { recordTransactions } from './service';
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

export async function answerInRealTime(deps: RealtimeDeps, txn: TransactionInput, requestId?: string): Promise<RealtimeResult> {
  const started = performance.now();
  const [recorded] = await recordTransactions(deps.db, [txn], { requestId, batch: false, fx: deps.fx });
  const { transactionRef, workflowId, created } = recorded!;
  const elapsedMs = () => Math.round(performance.now() - started);

  const answer = deps.temporal.workflow
    .executeUpdateWithStart(realtimeAnswerUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof transactionLifecycle>('transactionLifecycle', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ transactionRef, requestId }],
        // a running lifecycle answers the retry; a finished one is never started again
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    })
    .then((a): RealtimeAnswer | null => a)
    .catch(async (err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return answerFromRecord(deps.db, transactionRef, workflowId);
      throw err;
    });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'bound'>((resolve) => {
    timer = setTimeout(() => resolve('bound'), deps.boundMs);
  });
  try {
    const first = await Promise.race([answer, bound]);
    if (first !== 'bound' && first !== null) return { ...first, answered: true, created, elapsedMs: elapsedMs() };
  } finally {
    clearTimeout(timer);
    answer.catch(() => undefined); // answered by the bound: a later failure has no one to tell
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
