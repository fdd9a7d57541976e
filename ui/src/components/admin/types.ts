import type { BacktestResultView } from '../../api';

/** One transaction behind a cell of the level-change matrix: both scores and the label. */
export type CellRow = Pick<BacktestResultView, 'transactionRef' | 'livePoints' | 'candidatePoints' | 'label'>;
