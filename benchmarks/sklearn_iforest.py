"""scikit-learn's IsolationForest on the rows Kinga's benchmark wrote, for a like-for-like figure.

usage: python sklearn_iforest.py <matrix.f64> <labels.u8> <features> <trees> <sample_size> <seed> <seeds>
Trains once per seed (seed, seed+1, ...). Prints one JSON line: the mean AUC against the labels
with its range, training and scoring CPU times (medians).
"""
import json
import statistics
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def main() -> None:
    matrix_path, labels_path, features, trees, sample_size, seed, seeds = sys.argv[1:8]
    x = np.fromfile(matrix_path, dtype="<f8").reshape(-1, int(features))
    y = np.fromfile(labels_path, dtype=np.uint8)
    train_s, score_s, aucs = [], [], []
    for k in range(int(seeds)):
        t0 = time.process_time()
        model = IsolationForest(n_estimators=int(trees), max_samples=int(sample_size), random_state=int(seed) + k, n_jobs=1)
        model.fit(x)
        train_s.append(time.process_time() - t0)
        t0 = time.process_time()
        scores = -model.score_samples(x)  # higher is more anomalous, as Kinga's score
        score_s.append(time.process_time() - t0)
        aucs.append(float(roc_auc_score(y, scores)))
    print(json.dumps({
        "rows": int(x.shape[0]),
        "auc": statistics.mean(aucs),
        "aucMin": min(aucs),
        "aucMax": max(aucs),
        "trainMs": statistics.median(train_s) * 1000,
        "scoreMs": statistics.median(score_s) * 1000,
        "version": __import__("sklearn").__version__,
    }))


if __name__ == "__main__":
    main()
