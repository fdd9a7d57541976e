// A what-if backtest: the recorded scoring inputs in a date range, re-scored batch by batch with a
// candidate rule set and/or model, then the report. Each batch is an activity whose results are
// upserted by (backtest, transaction), and the position after it is in the history, so a crash
// anywhere resumes where it stopped and a retried batch never counts twice. Cancellable: the run
// stops after marking the backtest cancelled.
import { CancellationScope, ContinueAsNew, continueAsNew, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { KingaActivities } from '../../activities';
import { backtestProgressQuery, DEFAULT_BACKTEST_BATCH, type BacktestCursor, type BacktestInput, type BacktestProgress } from './definitions';

// A batch is a few seconds of work; the heartbeat notices a killed worker quickly. A failure that
// can recover (PostgreSQL away, a worker gone) is retried for about a quarter of an hour, then the
// backtest fails with its reason; a candidate or a recorded input that cannot be read fails at once.
const backtest = proxyActivities<KingaActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 35, nonRetryableErrorTypes: ['not_found', 'invalid'] },
});

// Marking the backtest failed or cancelled is the last resort that makes the end visible: it
// retries for a day; PostgreSQL down that long fails the run, visibly, in Temporal Web.
const recorder = proxyActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Batches before the run continues as new, so the history stays small for any range. */
const BATCHES_PER_RUN = 400;

export async function whatIfBacktest(input: BacktestInput): Promise<BacktestProgress> {
  const batchSize = input.batchSize ?? DEFAULT_BACKTEST_BATCH;
  const progress: BacktestProgress = {
    backtestId: input.backtestId,
    stage: 'preparing',
    total: input.resume?.total ?? 0,
    processed: input.resume?.processed ?? 0,
    batches: input.resume?.batches ?? 0,
  };
  setHandler(backtestProgressQuery, () => progress);
  let after: BacktestCursor | null = input.resume?.after ?? null;

  try {
    if (!input.resume) ({ total: progress.total } = await backtest.prepareBacktest({ backtestId: input.backtestId }));
    progress.stage = 'rescoring';
    for (let inThisRun = 0; ; inThisRun++) {
      if (inThisRun >= BATCHES_PER_RUN) {
        return await continueAsNew<typeof whatIfBacktest>({ ...input, resume: { after, processed: progress.processed, batches: progress.batches, total: progress.total } });
      }
      const batch = await backtest.rescoreBacktestBatch({ backtestId: input.backtestId, after, limit: batchSize, processedBefore: progress.processed });
      progress.processed += batch.processed;
      progress.batches++;
      after = batch.next;
      if (!batch.next) break;
    }
    progress.stage = 'reporting';
    await backtest.finishBacktest({ backtestId: input.backtestId });
    progress.stage = 'completed';
    return progress;
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (isCancellation(err)) {
      progress.stage = 'cancelled';
      await CancellationScope.nonCancellable(() => recorder.markBacktestStopped({ backtestId: input.backtestId, status: 'cancelled', reason: null }));
      throw err;
    }
    // a failure someone sees: the backtest row says why
    await recorder.markBacktestStopped({ backtestId: input.backtestId, status: 'failed', reason: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) });
    throw err;
  }
}
