// The what-if backtest workflow's contract: its input, the progress query and the workflow id.
import { defineQuery } from '@temporalio/workflow';

export interface BacktestInput {
  backtestId: string;
  /** transactions per batch activity */
  batchSize?: number;
  /** where a continued run carries on (continue-as-new keeps the history short) */
  resume?: { after: BacktestCursor | null; processed: number; batches: number; total: number };
}

/** Keyset position in the recorded inputs: (occurred_at, transaction_ref) of the last one done. */
export interface BacktestCursor {
  occurredAt: string;
  transactionRef: string;
}

export type BacktestStage = 'preparing' | 'rescoring' | 'reporting' | 'completed' | 'cancelled';

export interface BacktestProgress {
  backtestId: string;
  stage: BacktestStage;
  /** recorded inputs in the range when the backtest started */
  total: number;
  processed: number;
  batches: number;
}

export const backtestProgressQuery = defineQuery<BacktestProgress>('backtestProgress');

export const DEFAULT_BACKTEST_BATCH = 2000;

export function backtestWorkflowId(backtestId: string): string {
  return `backtest-${backtestId}`;
}
