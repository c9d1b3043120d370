#!/usr/bin/env python3
"""Builds the README's performance table from bench/results.jsonl, the committed measurements.

Each row of the table pairs a peer's record with LatentMap's from the same bench.sh run (same
`run` and `workload`), so every ratio was measured side by side on one machine. The newest run that
holds both records is used. Rows whose records are missing are left out, never filled in by hand.

Usage: scripts/bench_table.py [--results bench/results.jsonl] [--readme README.md]
Rewrites the part of README.md between <!-- bench-table:begin --> and <!-- bench-table:end -->
(or prints the table when --readme is -). Standard library only.
"""
import argparse, json, sys

# One row per comparison: the workload (bench.sh case), how to pick the peer's and LatentMap's
# record, the time field of each, and the quality fields shown as "peer → LatentMap".
ROWS = [
    dict(workload="tsne", label="Barnes-Hut t-SNE, MNIST 10k (PCA-50)",
         peer={"method": "opentsne-bh"}, lm={"method": "barnes-hut"}, time=("tsne_s", "tsne_s"),
         quality=[("KL", "kl", "kl"), ("10-NN", "knn10_acc", "knn10_acc"), ("trust.", "trust10", "trust10"),
                  ("peak MB", "peak_rss_mb", "process_peak_rss_mb")]),
    dict(workload="tsne", label="same, against scikit-learn Barnes-Hut",
         peer={"method": "sklearn-bh"}, lm={"method": "barnes-hut"}, time=("tsne_s", "tsne_s"),
         quality=[("KL", "kl", "kl")]),
    dict(workload="exact", label="exact t-SNE, first 2,000 MNIST",
         peer={"method": "sklearn-exact"}, lm={"method": "exact"}, time=("tsne_s", "tsne_s"),
         quality=[("KL", "kl", "kl"), ("10-NN", "knn10_acc", "knn10_acc"), ("trust.", "trust10", "trust10")]),
    dict(workload="fashion", label="t-SNE, Fashion-MNIST 70k (PCA-50), LatentMap `auto`",
         peer={"method": "opentsne-fft"}, lm={"method_requested": "auto"}, time=("tsne_s", "tsne_s"),
         quality=[("KL", "kl", "kl"), ("10-NN", "knn10_acc", "knn10_acc"), ("trust.", "trust10", "trust10"),
                  ("peak MB", "peak_rss_mb", "process_peak_rss_mb")]),
    dict(workload="fashion", label="t-SNE, Fashion-MNIST 70k (PCA-50), LatentMap Barnes-Hut",
         peer={"method": "opentsne-fft"}, lm={"method": "barnes-hut"}, time=("tsne_s", "tsne_s"),
         quality=[("KL", "kl", "kl"), ("10-NN", "knn10_acc", "knn10_acc")]),
    dict(workload="place", label="placing Fashion-MNIST's 10k test images into the map of its 60k training images (PCA-50)",
         peer={"tool": "openTSNE"}, lm={"kind": "place"}, time=("transform_s", "place_s"),
         quality=[("test 10-NN", "new_knn10_acc", "new_knn10_acc")]),
    dict(workload="tsne250k", label="t-SNE, 250,000 augmented Fashion-MNIST images (PCA-50), LatentMap `auto`",
         peer={"tool": "openTSNE"}, lm={"kind": "tsne"}, time=("fit_s", "tsne_s"),
         quality=[("KL", "kl", "kl"), ("10-NN", "knn10_acc", "knn10_acc"), ("peak MB", "peak_rss_mb", "process_peak_rss_mb")]),
    dict(workload="million", label="t-SNE, 1,000,000 augmented Fashion-MNIST images: the whole `latentmap tsne` process (load, PCA-50, neighbours, affinities, 750 iterations, write)",
         peer=None, lm={"kind": "tsne"}, time=(None, "process_wall_s"),
         quality=[("KL", None, "kl"), ("peak MB", None, "process_peak_rss_mb")]),
    dict(workload="pipeline", label="README command (1), `latentmap pipeline` on the bundled MNIST: the whole process (64-D masked AE, t-SNE, figures, metrics)",
         peer=None, lm={"kind": "pipeline"}, time=(None, "process_wall_s"),
         quality=[("10-NN in 2-D", None, "knn10_2d"), ("peak MB", None, "process_peak_rss_mb")]),
    dict(workload="ae", label="autoencoder `dense20` 784-100-20-100-784, RMSprop, Fashion-MNIST 60k, s/epoch",
         peer={"model": "b"}, lm={"model": "dense20"}, time=("median_epoch_s_2toN", "median_epoch_s_2toN"),
         quality=[("test MSE", "test_mse", "test_mse_final"), ("peak MB", "peak_rss_mb", "process_peak_rss_mb"),
                  ("GFLOP/s", "gflops", "gflops"), ("share of SGEMM peak", "sgemm_peak_share", "sgemm_peak_share")]),
    dict(workload="ae", label="autoencoder `dense2d` 784-128-64-12-2, Adam, s/epoch",
         peer={"model": "a"}, lm={"model": "dense2d"}, time=("median_epoch_s_2toN", "median_epoch_s_2toN"),
         quality=[("test MSE", "test_mse", "test_mse_final"), ("GFLOP/s", "gflops", "gflops"),
                  ("share of SGEMM peak", "sgemm_peak_share", "sgemm_peak_share")]),
    dict(workload="conv", label="convolutional autoencoder (32 channels), Adam, clean inputs, Fashion-MNIST 60k, s/epoch",
         peer={"model": "conv"}, lm={"model": "conv-denoise", "noise": "none"},
         time=("median_epoch_s_2toN", "median_epoch_s_2toN"),
         quality=[("test MSE", "test_mse", "test_mse_final"), ("peak MB", "peak_rss_mb", "process_peak_rss_mb"),
                  ("GFLOP/s", "gflops", "gflops"), ("share of SGEMM peak", "sgemm_peak_share", "sgemm_peak_share")]),
]


def matches(rec, sel):
    return all(str(rec.get(k)) == str(v) for k, v in sel.items())


def value(rec, key):
    v = rec.get(key)
    if isinstance(v, dict):  # test_mse keyed by epoch: the last epoch's
        v = v[max(v, key=lambda e: int(e))] if v else None
    return v


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def version_of(rec):
    vs = rec.get("versions") or {}
    for name in ("openTSNE", "sklearn", "torch"):
        if name in vs:
            return f"{rec.get('tool', name)} {vs[name]}"
    return rec.get("tool", "peer")


def build(records):
    lines = ["| workload | peer: time | LatentMap: time | ratio | quality (peer → LatentMap) | measured |",
             "|---|---|---|---|---|---|"]
    for row in ROWS:
        runs = sorted({r["run"] for r in records if r.get("workload") == row["workload"]}, reverse=True)
        for run in runs:
            rs = [r for r in records if r.get("run") == run and r.get("workload") == row["workload"]]
            alone = row["peer"] is None   # LatentMap alone: no peer ran this workload here
            peer = {} if alone else next((r for r in rs if r.get("tool") != "latentmap" and matches(r, row["peer"])), None)
            lm = next((r for r in reversed(rs) if r.get("tool") == "latentmap" and matches(r, row["lm"])), None)
            if peer is None or lm is None:
                continue
            tp, tl = (None if alone else value(peer, row["time"][0])), value(lm, row["time"][1])
            if (not tp and not alone) or not tl:
                continue
            if alone:
                quality = "; ".join(f"{name} {fmt(value(lm, kl))}" for name, _, kl in row["quality"])
                lines.append(f"| {row['label']} | — | {tl:.4g} s | — | {quality} | {run[:10]}, "
                             f"{lm.get('machine', {}).get('cores', '?')} cores, commit {lm.get('latentmap_commit', '?')} |")
                break
            quality = "; ".join(f"{name} {fmt(value(peer, kp))} → {fmt(value(lm, kl))}" for name, kp, kl in row["quality"])
            chosen = lm.get("method") if row["lm"].get("method_requested") else None
            if chosen:
                quality += f" (chose {chosen})"
            lines.append(f"| {row['label']} | {version_of(peer)}: {tp:.3g} s | {tl:.3g} s | **{tl / tp:.2f}×** | "
                         f"{quality} | {run[:10]}, {lm.get('machine', {}).get('cores', '?')} cores, commit {lm.get('latentmap_commit', '?')} |")
            break
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default="bench/results.jsonl")
    ap.add_argument("--readme", default="README.md")
    args = ap.parse_args()
    records = []
    with open(args.results) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"Error: {args.results}:{n}: not JSON ({e})")
                if "run" in rec:
                    records.append(rec)
    table = build(records)
    if args.readme == "-":
        print(table)
        return
    text = open(args.readme).read()
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    if begin not in text or end not in text:
        sys.exit(f"Error: {args.readme}: no {begin} … {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(args.readme + ".tmp", "w") as f:
        f.write(head + begin + "\n" + table + "\n" + end + tail)
    import os
    os.replace(args.readme + ".tmp", args.readme)


if __name__ == "__main__":
    main()
