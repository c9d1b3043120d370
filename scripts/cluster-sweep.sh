#!/usr/bin/env bash
# The clustering sweep of README "Latents worth mapping" (issue 17), one step at a time so two
# cores shared with other work stay usable: every command runs with --threads 1. Results go to
# $OUT (default /tmp/cluster-sweep). Usage:
#   scripts/cluster-sweep.sh [mnist|basins|variants|epochs|vae|fashion|fashion-basins]...
# (default: all seven; fashion trains on 70,000 images and takes the longest; basins needs mnist's
# outputs, fashion-basins fashion's).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/cluster-sweep}
B=.build/release/latentmap
[ -x $B ] || swift build -c release --product latentmap
mkdir -p "$OUT"

tsne_variant() {   # DIR NAME PERPLEXITY EXAGGERATION EXAGGERATION_ITERATIONS SEED [DIMS]
  [ -f "$1/$2.npy" ] || $B tsne "$1/latent.npy" --pca 0 --metric cosine --method barnes-hut --perplexity "$3" \
    --exaggeration "$4" --exaggeration-iterations "$5" --dims "${7:-2}" --seed "$6" --threads 1 -q --out "$1/$2.npy"
}

for step in "${@:-mnist basins variants epochs vae fashion fashion-basins}"; do for s in $step; do case $s in
mnist)     # the default pipeline; metrics.json holds 10-NN, k-means and GMM (10 restarts) of its map
  for seed in 1 2 3; do $B pipeline --seed $seed --threads 1 -q --out "$OUT/mnist-s$seed"; done ;;
basins)    # density basins of each default map, merged over its codes' t-SNE affinities (cosine,
           # perplexity 15, as the map) and, for comparison, over the map's own 10-NN graph
  for seed in 1 2 3; do
    d="$OUT/mnist-s$seed"
    $B cluster "$d/embedding.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --threads 1 -q --out "$d/basins"
    $B cluster "$d/embedding.npy" --labels "$d/labels.npy" --method basins --threads 1 -q --out "$d/basins-own-graph"
    $B cluster "$d/embedding.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --bandwidth 0.02,0.01 --threads 1 -q --out "$d/basins-pair"
  done ;;
variants)  # other t-SNE settings of the same codes, scored by scripts/cluster_scores.py
  for seed in 1 2 3; do
    d="$OUT/mnist-s$seed"
    tsne_variant "$d" p30 30 12 250 $seed
    tsne_variant "$d" p15e2 15 2 750 $seed
    tsne_variant "$d" p15e4 15 4 750 $seed
    tsne_variant "$d" p30e2 30 2 750 $seed
    python3 scripts/cluster_scores.py "$d/labels.npy" "$d/embedding.npy" "$d"/p*.npy
  done
  d="$OUT/mnist-s1"
  tsne_variant "$d" x50 50 12 250 1; tsne_variant "$d" x30e4 30 4 750 1
  tsne_variant "$d" x15e8 15 8 750 1; tsne_variant "$d" x15e12 15 12 750 1
  tsne_variant "$d" x3d 15 12 250 1 3
  python3 scripts/cluster_scores.py "$d/labels.npy" "$d"/x*.npy ;;
epochs)    # up to 100 epochs (early stopping, patience 5)
  for seed in 1 2 3; do $B pipeline --seed $seed --epochs 100 --threads 1 -q --out "$OUT/mnist-e100-s$seed"; done ;;
vae)       # the 20-D variational autoencoder's means + t-SNE
  for seed in 1 2 3; do $B compare --methods vae+tsne --latent 20 --seed $seed --threads 1 -q --out "$OUT/vae-s$seed"; done ;;
fashion)   # Fashion-MNIST, all 70,000: the 64-D recipe (as Recipes.latentAutoencoder), 20 epochs, seed 1
  d="$OUT/fashion-s1"; mkdir -p "$d"
  [ -f "$d/model.safetensors" ] || $B train fashion-mnist --part all --layers 784-512-256-64 --activation relu \
    --code-activation relu --output sigmoid --optimizer adam --lr 1e-3 --batch 128 --loss mse --masking 0.2 \
    --val-split 0.1 --patience 5 --epochs 20 --seed 1 --threads 1 -q --out "$d/model.safetensors"
  [ -f "$d/latent.npy" ] || $B encode "$d/model.safetensors" fashion-mnist --part all --threads 1 -q --out "$d/latent.npy"
  python3 - "$d/labels.npy" <<'PY'
import gzip, sys, numpy as np
read = lambda p: np.frombuffer(gzip.open(p).read()[8:], dtype=np.uint8)
root = "/usr/share/datasets/fashion-mnist/"
np.save(sys.argv[1], np.concatenate([read(root + "train-labels-idx1-ubyte.gz"), read(root + "t10k-labels-idx1-ubyte.gz")]).astype(np.int64))
PY
  tsne_variant "$d" p15 15 12 250 1
  tsne_variant "$d" p15e4 15 4 750 1
  tsne_variant "$d" p50 50 12 250 1
  python3 scripts/cluster_scores.py "$d/labels.npy" "$d"/p*.npy --restarts 5 ;;
fashion-basins)  # density basins of the Fashion maps over their codes' affinities; bandwidth 0.02 (default) and 0.01
  d="$OUT/fashion-s1"
  for map in p15:15 p50:50 p50:15; do m=${map%:*}; p=${map#*:}
    $B cluster "$d/$m.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --perplexity $p --threads 1 -q --out "$d/basins-$m-P$p"
  done
  for m in p15 p50; do p=${m#p}
    $B cluster "$d/$m.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --perplexity $p --bandwidth 0.01 --threads 1 -q --out "$d/basins-$m-bw0.01"
  done
  # The setting picked on seed 1 (perplexity-50 map, bandwidth 0.01), checked on seeds 2 and 3.
  for seed in 2 3; do
    d="$OUT/fashion-s$seed"; mkdir -p "$d"
    [ -f "$d/model.safetensors" ] || $B train fashion-mnist --part all --layers 784-512-256-64 --activation relu \
      --code-activation relu --output sigmoid --optimizer adam --lr 1e-3 --batch 128 --loss mse --masking 0.2 \
      --val-split 0.1 --patience 5 --epochs 20 --seed $seed --threads 1 -q --out "$d/model.safetensors"
    [ -f "$d/latent.npy" ] || $B encode "$d/model.safetensors" fashion-mnist --part all --threads 1 -q --out "$d/latent.npy"
    cp "$OUT/fashion-s1/labels.npy" "$d/labels.npy"
    tsne_variant "$d" p50 50 12 250 $seed
    for bw in 0.01 0.02; do
      $B cluster "$d/p50.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --perplexity 50 --bandwidth $bw --threads 1 -q --out "$d/basins-p50-bw$bw"
    done
  done
  # The more modular of the two, on all three seeds.
  for seed in 1 2 3; do
    d="$OUT/fashion-s$seed"
    $B cluster "$d/p50.npy" --labels "$d/labels.npy" --method basins --codes "$d/latent.npy" --perplexity 50 --bandwidth 0.02,0.01 --threads 1 -q --out "$d/basins-p50-pair"
  done
  python3 scripts/cluster_scores.py "$OUT/fashion-s1/labels.npy" "$OUT"/fashion-s*/p50.npy --knn-only ;;
*) echo "Error: unknown step '$s' (mnist, basins, variants, epochs, vae, fashion or fashion-basins)" >&2; exit 2 ;;
esac; done; done
