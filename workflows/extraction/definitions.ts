export const EXTRACTION_SCHEDULE_ID = 'kinga-warehouse-extraction';

export interface ExtractionInput {
  /** batches per run before continuing as new, which keeps the history short */
  maxBatches?: number;
}

export interface ExtractionSummary {
  batches: number;
  read: number;
  started: number;
  alreadyStarted: number;
  rejected: number;
  cursor: string | null;
}

export function extractionWorkflowId(tag: string): string {
  return `extraction-${tag}`;
}
