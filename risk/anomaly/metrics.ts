// Ranking quality of anomaly scores against labels.

/**
 * Area under the ROC curve: the probability that a randomly chosen positive scores above a
 * randomly chosen negative (ties count one half). Computed from average ranks
 * (Mann–Whitney U) in O(n log n).
 */
export function rocAuc(scores: ReadonlyArray<number>, labels: ReadonlyArray<boolean | number>): number {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores but ${labels.length} labels`);
  if (!scores.every(Number.isFinite)) throw new Error('ROC AUC needs finite scores');
  const idx = scores.map((_, i) => i);
  idx.sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSumPositives = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based average rank of the tie group
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]]) {
        positives++;
        rankSumPositives += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('ROC AUC needs at least one positive and one negative label');
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
