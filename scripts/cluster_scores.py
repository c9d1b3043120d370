#!/usr/bin/env python3
"""Clustering scores of 2-D maps for the README's issue-17 sweep (NumPy + SciPy only).

Usage: scripts/cluster_scores.py LABELS.npy MAP.npy [MAP.npy ...] [--restarts R] [--knn-only]

For each map: k-means (k-means++ seeding) and a full-covariance Gaussian mixture fitted by EM
from each k-means fit, R restarts (default 10) seeded 0..R-1, k = the number of classes. Prints
the Hungarian-matched accuracy and NMI of the most likely mixture, of restart 0's mixture, and
of the lowest-inertia k-means, and the range of the mixture's accuracy over the restarts. The
same algorithm as LatentAnalysis's GaussianMixture (tolerance 1e-3, 100 iterations, 1e-6 added
to each variance), used here only because no CLI command clusters an .npy yet; its random
streams differ, so its numbers differ from `pipeline`'s metrics.json in the third decimal or,
on maps where restarts disagree, more. Labels are used only for scoring. Each map's 10-NN
accuracy (5 seeded folds, SciPy's k-d tree) is printed first; --knn-only prints only that.
"""
import sys
import numpy as np
from scipy.optimize import linear_sum_assignment


def accuracy(y, c):
    k = max(y.max(), c.max()) + 1
    table = np.zeros((k, k), int)
    np.add.at(table, (y, c), 1)
    rows, cols = linear_sum_assignment(-table)
    return table[rows, cols].sum() / len(y)


def nmi(y, c):
    table = np.zeros((y.max() + 1, c.max() + 1))
    np.add.at(table, (y, c), 1)
    p = table / len(y)
    pu, pv = p.sum(1), p.sum(0)
    nz = p > 0
    mi = (p[nz] * np.log(p[nz] / np.outer(pu, pv)[nz])).sum()
    h = lambda q: -(q[q > 0] * np.log(q[q > 0])).sum()
    return mi / ((h(pu) + h(pv)) / 2)


def kmeans(x, k, rng, iterations=100):
    n = len(x)
    centres = [x[rng.integers(n)]]
    d = np.full(n, np.inf)
    for _ in range(1, k):
        d = np.minimum(d, ((x - centres[-1]) ** 2).sum(1))
        centres.append(x[rng.choice(n, p=d / d.sum())])
    c = np.array(centres)
    for _ in range(iterations):
        dist = ((x[:, None, :] - c[None]) ** 2).sum(2)
        a = dist.argmin(1)
        new = np.array([x[a == j].mean(0) if (a == j).any() else c[j] for j in range(k)])
        if np.allclose(new, c):
            break
        c = new
    return a, dist.min(1).sum()


def mixture(x, k, start, iterations=100, tolerance=1e-3, regularization=1e-6):
    n, d = x.shape
    r = np.eye(k)[start]
    previous = -np.inf
    for _ in range(iterations):
        nk = r.sum(0) + 1e-10
        w, mu = nk / n, (r.T @ x) / nk[:, None]
        logp = np.empty((n, k))
        for j in range(k):
            xc = x - mu[j]
            s = (r[:, j, None] * xc).T @ xc / nk[j] + regularization * np.eye(d)
            chol = np.linalg.cholesky(s)
            z = np.linalg.solve(chol, xc.T)
            logp[:, j] = np.log(w[j]) - 0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(chol)).sum()) - 0.5 * (z ** 2).sum(0)
        top = logp.max(1, keepdims=True)
        logsum = top[:, 0] + np.log(np.exp(logp - top).sum(1))
        r = np.exp(logp - logsum[:, None])
        if abs(logsum.mean() - previous) < tolerance:
            break
        previous = logsum.mean()
    return r.argmax(1), logsum.mean()


def knn_accuracy(x, y, k=10, folds=5):
    from scipy.spatial import cKDTree
    parts = np.array_split(np.random.default_rng(1).permutation(len(x)), folds)
    correct = 0
    for f in range(folds):
        test, train = parts[f], np.concatenate([parts[g] for g in range(folds) if g != f])
        _, idx = cKDTree(x[train]).query(x[test], k)
        votes = y[train][idx]
        correct += (np.array([np.bincount(v, minlength=y.max() + 1).argmax() for v in votes]) == y[test]).sum()
    return correct / len(x)


def main(argv):
    knn_only = "--knn-only" in argv
    if knn_only:
        argv.remove("--knn-only")
    restarts = 10
    if "--restarts" in argv:
        i = argv.index("--restarts")
        restarts = int(argv[i + 1])
        del argv[i:i + 2]
    y = np.load(argv[0]).astype(int)
    k = len(set(y.tolist()))
    for path in argv[1:]:
        x = np.load(path).astype(np.float64)
        print(f"{path}: 10-NN accuracy {knn_accuracy(x, y):.4f}")
        if knn_only:
            continue
        runs = []
        for s in range(restarts):
            a, inertia = kmeans(x, k, np.random.default_rng(s))
            g, ll = mixture(x, k, a)
            runs.append((ll, inertia, accuracy(y, g), nmi(y, g), accuracy(y, a), nmi(y, a)))
        best = max(runs, key=lambda r: r[0])
        km = min(runs, key=lambda r: r[1])
        first = runs[0]
        print(f"{path}: GMM most likely {best[2]:.4f} (NMI {best[3]:.4f}), restart 0 {first[2]:.4f} (NMI {first[3]:.4f}), "
              f"range {min(r[2] for r in runs):.3f}-{max(r[2] for r in runs):.3f}; k-means {km[4]:.4f} (NMI {km[5]:.4f})")


if __name__ == "__main__":
    main(sys.argv[1:])
