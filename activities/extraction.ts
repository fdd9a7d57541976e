// Warehouse extraction: read rows after the watermark, record them as transactions, start one
// lifecycle each, then move the watermark. Every step is idempotent, so a crash anywhere in
// between repeats work without duplicating it, and the watermark only moves past started rows.
import { heartbeat, ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { checkTransaction } from '../boundary/inputRules';
import { lifecycleWorkflowId, type LifecycleInput } from '../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../workflows/lifecycle/workflow';
import { findKesRate, missingRateReason } from '../db/fxRates';
import { needsConversion } from '../risk';
import type { ActivityDeps } from './deps';
import { COLUMN_OF_FIELD, fieldsOf, TRANSACTION_COLUMNS, toTransactionRow, type TransactionRow } from '../db/transactionRows';

/**
 * The default source: the local transaction_history table. A bank's own query must return a
 * unique, increasing `cursor` column and Kinga's transaction columns, and take :cursor and :limit.
 */
export const DEFAULT_SOURCE_QUERY = `
  select id as cursor, ${TRANSACTION_COLUMNS.join(', ')}
  from transaction_history
  where id > cast(:cursor as bigint)
  order by id
  limit :limit`;

const START_CONCURRENCY = 8;

export interface ExtractBatchResult {
  read: number;
  inserted: number;
  started: number;
  alreadyStarted: number;
  /** rows that broke the input rules: quarantined with the reason, never retried, never dropped */
  rejected: QuarantinedRow[];
  cursor: string;
  hasMore: boolean;
}

type SourceRow = TransactionRow & { cursor: string | number };

/** A warehouse row in Kinga's field names, values as read, for the same check the API runs. */
function candidateOf(row: SourceRow): Record<string, unknown> {
  const at = row.occurred_at as unknown;
  return {
    ...fieldsOf(row),
    // numeric comes back as a string; a bank's query may return a number or a bigint
    amount: typeof row.amount === 'bigint' ? String(row.amount) : row.amount,
    occurredAt: at instanceof Date ? (Number.isNaN(at.getTime()) ? 'an invalid date' : at.toISOString()) : at,
  };
}

/** Control characters written out as \uXXXX: PostgreSQL stores no NUL, and an operator must see them. */
function escapeControl(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

function storableRow(row: SourceRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const k = escapeControl(key);
    if (value === null || value === undefined) out[k] = null;
    else if (value instanceof Date) out[k] = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    else if (typeof value === 'number') out[k] = Number.isFinite(value) ? value : String(value);
    else if (typeof value === 'boolean') out[k] = value;
    else if (typeof value === 'string') out[k] = escapeControl(value);
    else out[k] = escapeControl(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return out;
}

export interface QuarantinedRow {
  ref: string | null;
  cursor: string;
  field: string;
  reason: string;
}

export function createExtractionActivities({ db, warehouse, temporal, config, logger }: ActivityDeps) {
  const source = warehouse ?? db;
  return {
    async extractBatch({ runId }: { runId: string }): Promise<ExtractBatchResult> {
      if (!temporal) throw ApplicationFailure.nonRetryable('extraction needs a Temporal client in the activity dependencies');
      const sourceName = config.warehouse.sourceName;
      const limit = config.warehouse.batchSize;
      const mark = await db('extraction_watermarks').where({ source: sourceName }).first<{ cursor_value: string }>('cursor_value');
      const after = mark?.cursor_value ?? '0';
      const result = await source.raw(config.warehouse.sourceQuery ?? DEFAULT_SOURCE_QUERY, { cursor: after, limit });
      const rows = result.rows as SourceRow[];
      if (rows.length === 0) return { read: 0, inserted: 0, started: 0, alreadyStarted: 0, rejected: [], cursor: after, hasMore: false };

      const rejected: QuarantinedRow[] = [];
      const rawOf = new Map<QuarantinedRow, SourceRow>();
      const accepted: TransactionRow[] = [];
      for (const row of rows) {
        const check = checkTransaction(candidateOf(row), config.input);
        let failure = check.ok ? null : { field: check.field, reason: check.reason };
        // an amount that cannot be valued in KES is refused, never scored with a guessed rate
        if (check.ok && needsConversion(check.transaction) && !(await findKesRate(db, check.transaction.currency, check.transaction.occurredAt, config.fx))) {
          failure = { field: 'currency', reason: missingRateReason(check.transaction.currency, check.transaction.occurredAt, config.fx) };
        }
        if (check.ok && !failure) {
          accepted.push(toTransactionRow(check.transaction));
          continue;
        }
        // the reason names the warehouse's column at fault, not Kinga's field
        const column: string = COLUMN_OF_FIELD[failure!.field as keyof typeof COLUMN_OF_FIELD] ?? failure!.field;
        const reason = failure!.field === column ? failure!.reason : `${column}${failure!.reason.slice(failure!.field.length)}`;
        const ref = typeof row.transaction_ref === 'string' ? escapeControl(row.transaction_ref) : null;
        const entry = { ref, cursor: String(row.cursor), field: column, reason };
        rejected.push(entry);
        rawOf.set(entry, row);
      }
      if (rejected.length) {
        // Before the watermark moves past them; a repeated batch finds them already there.
        await db('quarantined_warehouse_rows')
          .insert(
            rejected.map((r) => ({
              source: sourceName,
              cursor_value: r.cursor,
              transaction_ref: r.ref,
              field: r.field,
              reason: escapeControl(r.reason),
              raw_row: JSON.stringify(storableRow(rawOf.get(r)!)),
              extraction_run_id: runId,
            })),
          )
          .onConflict(['source', 'cursor_value'])
          .ignore();
        for (const r of rejected) logger.warn({ transactionRef: r.ref, cursor: r.cursor, field: r.field, reason: r.reason, runId }, 'warehouse row quarantined');
      }

      const inserted = accepted.length
        ? await db('transactions')
            .insert(
              accepted.map((r) => ({
                ...r,
                source: 'warehouse',
                status: 'received',
                workflow_id: lifecycleWorkflowId(r.transaction_ref),
                request_id: runId,
              })),
            )
            .onConflict('transaction_ref')
            .ignore()
            .returning('transaction_ref')
        : [];

      let started = 0;
      let alreadyStarted = 0;
      for (let i = 0; i < accepted.length; i += START_CONCURRENCY) {
        await Promise.all(
          accepted.slice(i, i + START_CONCURRENCY).map(async (r) => {
            const input: LifecycleInput = { transactionRef: r.transaction_ref, requestId: runId };
            try {
              await temporal.workflow.start<typeof transactionLifecycle>('transactionLifecycle', {
                workflowId: lifecycleWorkflowId(r.transaction_ref),
                taskQueue: config.temporal.taskQueue,
                args: [input],
                workflowIdReusePolicy: 'REJECT_DUPLICATE',
                workflowIdConflictPolicy: 'USE_EXISTING',
              });
              // Started now, or already running (USE_EXISTING); a closed one refuses (below).
              started += 1;
            } catch (err) {
              if (err instanceof WorkflowExecutionAlreadyStartedError) alreadyStarted += 1;
              else throw err;
            }
          }),
        );
        heartbeat({ done: i + START_CONCURRENCY });
      }

      const last = rows[rows.length - 1]!;
      const cursor = String(last.cursor);
      await db('extraction_watermarks')
        .insert({ source: sourceName, cursor_value: cursor, cursor_ref: last.transaction_ref, rows_extracted: rows.length, last_run_id: runId, updated_at: db.fn.now() })
        .onConflict('source')
        .merge({
          cursor_value: cursor,
          cursor_ref: last.transaction_ref,
          rows_extracted: db.raw('extraction_watermarks.rows_extracted + ?', [rows.length]),
          last_run_id: runId,
          updated_at: db.fn.now(),
        });
      return { read: rows.length, inserted: inserted.length, started, alreadyStarted, rejected, cursor, hasMore: rows.length >= limit };
    },
  };
}
