// Ingestion: record the transaction, then start its lifecycle workflow. Both steps are idempotent
// on the transaction reference, so a client may simply retry a request that failed half way.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { lifecycleWorkflowId, type LifecycleInput } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { casePermissions, type Caller } from '../cases/permissions';
import { caseView, type CaseJson, type CaseRecord } from '../cases/views';
import { findKesRate, missingRateReason, type FxLookup } from '../../db/fxRates';
import { COLUMN_OF_FIELD, fieldsOf, toTransactionRow, type TransactionRow } from '../../db/transactionRows';
import { needsConversion } from '../../risk';
import { ConflictError, ServiceUnavailableError, UnprocessableError } from '../errors';
import type { TransactionInput } from './schemas';
import { transactionView, type TransactionJson, type TransactionRecord } from './views';

export interface IngestResult {
  transactionRef: string;
  workflowId: string;
  /** false when the transaction was already recorded (same content): nothing new was created */
  created: boolean;
}

export interface IngestDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** how amounts in other currencies are valued in KES */
  fx: FxLookup;
}

/** Workflow starts run this many at a time, so a batch of 500 does not open 500 RPCs at once. */
const START_CONCURRENCY = 16;

type ComparableRow = Pick<TransactionRecord, keyof TransactionRow | 'workflow_id'>;

function toRow(t: TransactionInput, requestId: string | undefined) {
  return {
    ...toTransactionRow(t),
    source: 'api',
    status: 'received',
    workflow_id: lifecycleWorkflowId(t.transactionRef),
    request_id: requestId ?? null,
  };
}

/** The fields in which a recorded transaction differs from the submitted one. */
export function differingFields(row: ComparableRow, t: TransactionInput): string[] {
  const recorded = fieldsOf(row);
  const same = (field: keyof typeof COLUMN_OF_FIELD): boolean => {
    // numeric(18,2) comes back with two decimals, the same normal form the schema produces
    if (field === 'amount') return String(recorded.amount) === t.amount;
    if (field === 'occurredAt') return new Date(recorded.occurredAt).getTime() === new Date(t.occurredAt).getTime();
    return recorded[field] === t[field];
  };
  return (Object.keys(COLUMN_OF_FIELD) as (keyof typeof COLUMN_OF_FIELD)[]).filter((field) => field !== 'transactionRef' && !same(field));
}

/**
 * Records the transactions (all or none) and starts one lifecycle workflow each. A reference that
 * is already recorded with the same content is answered `created: false`; with different content
 * the whole request is refused (409) and nothing is recorded.
 */
export async function ingestTransactions(deps: IngestDeps, items: TransactionInput[], opts: { requestId?: string; batch: boolean }): Promise<IngestResult[]> {
  const results = await recordTransactions(deps.db, items, { ...opts, fx: deps.fx });
  // Duplicates are started too: a request that recorded its rows but failed before starting the
  // workflows is repaired by simply sending it again.
  try {
    await forEachLimited(
      results.map((r) => r.transactionRef).filter((ref, i, all) => all.indexOf(ref) === i),
      START_CONCURRENCY,
      (transactionRef) => startLifecycle(deps, { transactionRef, requestId: opts.requestId }),
    );
  } catch (err) {
    throw new ServiceUnavailableError(
      `the transactions were recorded but their workflows could not all be started (${(err as Error).message}); send the same request again`,
    );
  }
  return results;
}

/** The recording half of ingestion (all or none; 409 on different content), without starting workflows. */
export async function recordTransactions(db: Knex, items: TransactionInput[], opts: { requestId?: string; batch: boolean; fx: FxLookup }): Promise<IngestResult[]> {
  const fieldOf = (i: number) => (opts.batch ? `transactions[${i}].transactionRef` : 'transactionRef');

  // An amount Kinga cannot value in KES is refused, never scored with a guessed rate.
  for (const [i, t] of items.entries()) {
    if (needsConversion(t) && !(await findKesRate(db, t.currency, t.occurredAt, opts.fx))) {
      throw new UnprocessableError(missingRateReason(t.currency, t.occurredAt, opts.fx), opts.batch ? `transactions[${i}].currency` : 'currency');
    }
  }

  const createdRefs = await db.transaction(async (trx) => {
    const inserted = await trx('transactions')
      .insert(items.map((t) => toRow(t, opts.requestId)))
      .onConflict('transaction_ref')
      .ignore()
      .returning<{ transaction_ref: string }[]>('transaction_ref');
    const created = new Set(inserted.map((r) => r.transaction_ref));
    // Also a reference repeated within this batch: its later occurrences must match the first.
    const existingRefs = items.map((t) => t.transactionRef).filter((ref, i, all) => !created.has(ref) || all.indexOf(ref) !== i);
    if (existingRefs.length > 0) {
      const rows = await trx<ComparableRow>('transactions').whereIn('transaction_ref', existingRefs);
      const byRef = new Map(rows.map((r) => [r.transaction_ref, r]));
      items.forEach((t, i) => {
        const row = byRef.get(t.transactionRef);
        if (!row) return;
        const diff = differingFields(row, t);
        if (diff.length > 0) {
          throw new ConflictError(`transaction ${t.transactionRef} already exists with different content (${diff.join(', ')})`, fieldOf(i));
        }
        if (!row.workflow_id) {
          throw new ConflictError(`transaction ${t.transactionRef} is recorded as history from before Kinga ran and has no lifecycle`, fieldOf(i));
        }
      });
    }
    return created;
  });

  // A reference repeated within the batch was created (at most) by its first occurrence.
  const seen = new Set<string>();
  return items.map((t) => {
    const first = !seen.has(t.transactionRef);
    seen.add(t.transactionRef);
    return { transactionRef: t.transactionRef, workflowId: lifecycleWorkflowId(t.transactionRef), created: first && createdRefs.has(t.transactionRef) };
  });
}

/** Starts the lifecycle, or does nothing when it runs or ran already (the ID is the business key). */
export async function startLifecycle(deps: Pick<IngestDeps, 'temporal' | 'taskQueue'>, input: LifecycleInput): Promise<void> {
  try {
    await deps.temporal.workflow.start<typeof transactionLifecycle>('transactionLifecycle', {
      taskQueue: deps.taskQueue,
      workflowId: lifecycleWorkflowId(input.transactionRef),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    // USE_EXISTING answers a running duplicate; REJECT_DUPLICATE makes a closed one raise this.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface TransactionDetail extends TransactionJson {
  /** the transaction's case, when it has one (medium and high risk) */
  case: CaseJson | null;
}

export async function getTransaction(db: Knex, ref: string, caller: Caller): Promise<TransactionDetail | null> {
  const row = await db<TransactionRecord>('transactions').where({ transaction_ref: ref }).first();
  if (!row) return null;
  const caseRow = await db<CaseRecord>('analyst_cases').where({ transaction_ref: ref }).first();
  return { ...transactionView(row), case: caseRow ? caseView(caseRow, casePermissions(caseRow, caller)) : null };
}
