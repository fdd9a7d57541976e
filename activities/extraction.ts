// Warehouse extraction: read rows after the watermark, record them as transactions, start one
// lifecycle each, then move the watermark. Every step is idempotent, so a crash anywhere in
// between repeats work without duplicating it, and the watermark only moves past started rows.
import { heartbeat, ApplicationFailure } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CHANNELS, TRANSACTION_TYPES } from '../risk/types';
import { lifecycleWorkflowId, type LifecycleInput } from '../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../workflows/lifecycle/workflow';
import type { ActivityDeps } from './deps';
import { TRANSACTION_COLUMNS, type TransactionRow } from './rows';

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
  rejected: { ref: string; reason: string }[];
  cursor: string;
  hasMore: boolean;
}

function rejectReason(row: TransactionRow): string | null {
  if (!row.transaction_ref) return 'transaction_ref is empty';
  if (!/^\d+(\.\d{1,2})?$/.test(String(row.amount))) return `amount "${row.amount}" is not a non-negative decimal with at most 2 places`;
  if (!(CHANNELS as readonly string[]).includes(row.channel)) return `channel "${row.channel}" is unknown`;
  if (!(TRANSACTION_TYPES as readonly string[]).includes(row.txn_type)) return `txn_type "${row.txn_type}" is unknown`;
  if (!/^[A-Z]{2}$/.test(row.country)) return `country "${row.country}" is not an ISO alpha-2 code`;
  if (Number.isNaN(new Date(row.occurred_at).getTime())) return `occurred_at "${row.occurred_at}" is not a time`;
  return null;
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
      const rows = result.rows as (TransactionRow & { cursor: string | number })[];
      if (rows.length === 0) return { read: 0, inserted: 0, started: 0, alreadyStarted: 0, rejected: [], cursor: after, hasMore: false };

      const rejected: ExtractBatchResult['rejected'] = [];
      const accepted: TransactionRow[] = [];
      for (const row of rows) {
        const reason = rejectReason(row);
        if (reason) rejected.push({ ref: row.transaction_ref, reason });
        else accepted.push(row);
      }
      for (const r of rejected) logger.warn({ transactionRef: r.ref, reason: r.reason, runId }, 'warehouse row rejected');

      const inserted = accepted.length
        ? await db('transactions')
            .insert(
              accepted.map((r) => ({
                ...Object.fromEntries(TRANSACTION_COLUMNS.map((c) => [c, r[c]])),
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
