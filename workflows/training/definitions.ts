export const TRAINING_SCHEDULE_ID = 'kinga-anomaly-training';

export interface TrainingInput {
  reason?: string;
}

export function trainingWorkflowId(tag: string): string {
  return `anomaly-training-${tag}`;
}
