// Recorded scoring inputs for backtest tests: generated warehouse rows, the older part backfilled
// as the customers' past (as the demo seeds it), the newest `live` rows run through their real
// lifecycles until each is scored, routed and its inputs recorded.
import { TRANSACTION_COLUMNS } from '../../db/transactionRows';
import type { generateHistory } from '../../warehouse/generator';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { eventually, type KingaTestStack } from '../lifecycle/context';

type HistoryRow = ReturnType<typeof generateHistory>[number];

export interface ScoredHistory {
  /** the refs of the rows the lifecycles scored, oldest first */
  liveRefs: string[];
  /** when the first of them occurred: a backtest range from here covers them all */
  from: string;
}

export async function scoreGeneratedHistory(stack: KingaTestStack, rows: HistoryRow[], live: number, waitMs = 300_000): Promise<ScoredHistory> {
  await stack.db.batchInsert('transaction_history', rows, 500);
  const toTxn = (r: HistoryRow, source: string, status: string) => ({ ...Object.fromEntries(TRANSACTION_COLUMNS.map((f) => [f, r[f]])), source, status });
  const past = rows.slice(0, rows.length - live);
  const scored = rows.slice(rows.length - live);
  if (past.length > 0) await stack.db.batchInsert('transactions', past.map((r) => ({ ...toTxn(r, 'backfill', 'approved'), workflow_id: null })), 500);
  await stack.db.batchInsert('transactions', scored.map((r) => ({ ...toTxn(r, 'warehouse', 'received'), workflow_id: lifecycleWorkflowId(r.transaction_ref) })), 500);
  const liveRefs = scored.map((r) => r.transaction_ref);
  for (const ref of liveRefs) {
    await stack.client.workflow.start('transactionLifecycle', { taskQueue: stack.taskQueue, workflowId: lifecycleWorkflowId(ref), args: [{ transactionRef: ref }] });
  }
  await eventually(async () => {
    const [{ n }] = await stack.db('scoring_inputs').whereIn('transaction_ref', liveRefs).count<{ n: string }[]>('* as n');
    const [{ m }] = await stack.db('transactions').whereIn('transaction_ref', liveRefs).whereNotNull('risk_level').count<{ m: string }[]>('* as m');
    return Number(n) === live && Number(m) === live ? true : undefined;
  }, `${live} transactions scored`, waitMs);
  return { liveRefs, from: scored[0]!.occurred_at };
}
