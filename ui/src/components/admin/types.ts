/** One transaction behind a cell of the level-change matrix. */
export interface CellRow {
  transactionRef: string;
  livePoints?: number;
  candidatePoints?: number;
  label?: 'fraud' | 'legitimate' | null;
}
