"""scikit-learn's IsolationForest on the rows Kinga's benchmark wrote, for a like-for-like figure.

usage: python sklearn_iforest.py <matrix.f64> <labels.u8> <features> <trees> <sample_size> <seed> <repeats>
Prints one JSON line: AUC against the labels, training and scoring times (median of the repeats).
"""
import json
import statistics
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score


def main() -> None:
    matrix_path, labels_path, features, trees, sample_size, seed, repeats = sys.argv[1:8]
    x = np.fromfile(matrix_path, dtype="<f8").reshape(-1, int(features))
    y = np.fromfile(labels_path, dtype=np.uint8)
    train_s, score_s = [], []
    scores = None
    for _ in range(int(repeats)):
        t0 = time.perf_counter()
        model = IsolationForest(n_estimators=int(trees), max_samples=int(sample_size), random_state=int(seed), n_jobs=1)
        model.fit(x)
        train_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scores = -model.score_samples(x)  # higher is more anomalous, as Kinga's score
        score_s.append(time.perf_counter() - t0)
    print(json.dumps({
        "rows": int(x.shape[0]),
        "auc": float(roc_auc_score(y, scores)),
        "trainMs": statistics.median(train_s) * 1000,
        "scoreMs": statistics.median(score_s) * 1000,
        "version": __import__("sklearn").__version__,
    }))


if __name__ == "__main__":
    main()
