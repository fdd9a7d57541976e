// Reads the warehouse after the watermark, batch by batch, until it has caught up. Runs on a
// Temporal Schedule (overlap: skip), so one extraction at a time; each batch is an idempotent
// activity, so a crash half way repeats the batch without starting a transaction twice.
import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { KingaActivities } from '../../activities';
import type { ExtractionInput, ExtractionSummary } from './definitions';

const { extractBatch } = proxyActivities<KingaActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function warehouseExtraction(input: ExtractionInput = {}): Promise<ExtractionSummary> {
  const maxBatches = input.maxBatches ?? 50;
  const summary: ExtractionSummary = { batches: 0, read: 0, started: 0, alreadyStarted: 0, rejected: 0, cursor: null };
  for (;;) {
    const batch = await extractBatch({ runId: workflowInfo().workflowId });
    summary.batches += 1;
    summary.read += batch.read;
    summary.started += batch.started;
    summary.alreadyStarted += batch.alreadyStarted;
    summary.rejected += batch.rejected.length;
    summary.cursor = batch.cursor;
    if (!batch.hasMore) break;
    if (summary.batches >= maxBatches) {
      log.info('continuing as new after a full run of batches', { ...summary });
      await continueAsNew<typeof warehouseExtraction>(input);
    }
  }
  return summary;
}
