// Trains the next anomaly model. A workflow rather than a cron job so that each training is
// visible in Temporal Web, retried on failure and recorded with the version it produced.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { KingaActivities } from '../../activities';
import type { TrainingResult } from '../../activities/training';
import type { TrainingInput } from './definitions';

const { trainAnomalyModel } = proxyActivities<KingaActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

export async function anomalyModelTraining(_input: TrainingInput = {}): Promise<TrainingResult> {
  const info = workflowInfo();
  return trainAnomalyModel({ trainingId: `${info.workflowId}/${info.runId}`, asOf: new Date().toISOString() });
}
