#!/usr/bin/env bash
# Measures LatentMap beside its peers (scikit-learn, openTSNE, PyTorch) in one run on this machine.
# Needs the peers' venv: python3 -m venv ~/peers && ~/peers/bin/pip install scikit-learn openTSNE torch matplotlib
# Usage: scripts/bench.sh [peak|tsne|exact|fashion|crossover|place|ae|conv|data|plot|neighbors|million|tsne250k ...]
#        (default: peak tsne exact ae conv data plot)
#   peak:      the SGEMM peak of BLAS.gemm (2048³, 2 threads) that the autoencoder rows compare with.
#   ae, conv:  autoencoders beside PyTorch; each record has FLOPs per epoch (counted from the layers),
#              GFLOP/s and the share of the SGEMM peak. Plumbing check (not a measurement):
#              RES=/tmp/trial.jsonl AE_EPOCHS=2 CONV_EPOCHS=2 LM_EXTRA="--subsample 1024" scripts/bench.sh peak ae conv
#   crossover: exact / Barnes-Hut / interpolation at N = 1k … 50k of Fashion-MNIST PCA-50 (run 'fashion' first);
#              sets GradientMethod.exactLimit and .interpolationThreshold.
#   place:     N=6000 scripts/bench.sh place for a quick check on the first N training and N/6 test images.
# neighbors, million and tsne250k read sizes from the environment, so they can be tried small:
#   AUG_N=5000 SUB_N=5000 NEIGHBOR_SIZES="2000 4000" TSNE_METHOD=barnes-hut scripts/bench.sh neighbors million tsne250k
# Writes one JSON line per measurement to bench/results.jsonl. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS="${PEERS:-$(cd .. && pwd)/shared/peers}"
PY="${PY:-$HOME/peers/bin/python}"
THREADS=2
mkdir -p bench/inputs
RES="${RES:-bench/results.jsonl}"   # RES=/tmp/x.jsonl for a trial run that must not enter the committed records
bash scripts/setup.sh >/dev/null
# A release build of its own (no -enable-testing), so benchmarks time exactly what users run.
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product latentmap --scratch-path .build-bench 2>&1 | tail -1
LM=.build-bench/release/latentmap
what=("$@"); [ ${#what[@]} -gt 0 ] || what=(peak tsne exact ae conv data plot)
AE_EPOCHS="${AE_EPOCHS:-10}"; CONV_EPOCHS="${CONV_EPOCHS:-2}"
read -r -a LM_EXTRA <<<"${LM_EXTRA:-}"
# PyTorch (CPU) goes into the peers' venv only when missing (from PyPI; large, so only once).
ensure_torch() {
  "$PY" -c "import torch" 2>/dev/null && return
  log "installing PyTorch (CPU) into the peers' venv"
  "$PY" -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null \
    || "$PY" -m pip install --quiet torch
}
log() { echo "== $*" >&2; }
RUN_ID="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# Every record is one JSON line, tagged with the run, the workload, the machine and the tool versions,
# so that scripts/bench_table.py can build the README's table from bench/results.jsonl alone.
rec() {
  python3 scripts/bench_tag.py --run "$RUN_ID" --workload "$w" --commit "$(git rev-parse --short HEAD)" "${@:2}" <<<"$1" | tee -a "$RES"
}
# lmrec CMD...: runs a LatentMap command that prints one JSON line, and records it with the whole
# process's wall time and peak memory (/usr/bin/time) added.
lmrec() {
  local out; out="$(/usr/bin/time -f '%e %M' -o bench/time.txt "$@")"
  read -r wall rss < bench/time.txt
  # shellcheck disable=SC2046
  rec "$out" --tool latentmap --wall-s "$wall" --peak-rss-kb "$rss" $(peak_arg)
}
export OPENBLAS_NUM_THREADS=$THREADS
# The SGEMM peak of this run (from 'peak', else the newest recorded one) that GFLOP/s are compared with.
PEAK=""
latest_peak() {
  [ -f "$RES" ] || return 0
  python3 -c 'import json,sys
p=[json.loads(l) for l in open(sys.argv[1]) if "\"sgemm_peak\"" in l]
print(p[-1]["gflops"] if p else "")' "$RES"
}
peak_arg() { [ -n "$PEAK" ] && echo "--peak-gflops $PEAK" || true; }
# aepair PEER_MODEL LATENTMAP_TRAIN_ARGS...: LatentMap's record first (it counts the FLOPs of the
# network), then the peer's with the same count, both with GFLOP/s and the share of the peak.
aepair() {
  local model="$1"; shift
  local out; out="$(/usr/bin/time -f '%e %M' -o bench/time.txt $LM train fashion-mnist --part train "$@" \
    --threads $THREADS --seed 1 --json -q "${LM_EXTRA[@]}")"
  read -r wall rss < bench/time.txt
  local flops; flops="$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["flops_per_epoch"])' <<<"$out")"
  # shellcheck disable=SC2046
  rec "$out" --tool latentmap --wall-s "$wall" --peak-rss-kb "$rss" $(peak_arg)
  [ -n "${SKIP_PEERS:-}" ] && return
  # shellcheck disable=SC2046
  rec "$("$PY" "$PEERS/ae_anchor.py" --model "$model" --epochs "$EPOCHS" --threads $THREADS)" \
    --flops-per-epoch "$flops" $(peak_arg)
}

AUG_N="${AUG_N:-1000000}"        # images in the augmented Fashion-MNIST (million)
SUB_N="${SUB_N:-250000}"         # its first SUB_N images (tsne250k)
TSNE_METHOD="${TSNE_METHOD:-auto}"
# The augmented set: image i depends only on i and the seed, so the first SUB_N images of the
# million are exactly what --count SUB_N writes.
augmented() {  # augmented COUNT -> bench/inputs/fashion-aug<COUNT>{,-labels}.npy
  local f=bench/inputs/fashion-aug$1.npy
  [ -f "$f" ] || $LM augment fashion-mnist --count "$1" --seed 1 --threads $THREADS --out "$f" \
    --labels-out bench/inputs/fashion-aug$1-labels.npy -q
}

for w in "${what[@]}"; do
case "$w" in
tsne)
  log "t-SNE, MNIST 10k, PCA-50 (same input matrix for every tool)"
  rec "$("$PY" "$PEERS/tsne_anchor.py" --data mnist10k --method opentsne-bh --threads $THREADS --save-inputs bench/inputs)"
  rec "$("$PY" "$PEERS/tsne_anchor.py" --data mnist10k --method sklearn-bh --threads $THREADS)"
  X=bench/inputs/mnist10k_n10000_pca50_X.npy; Y=bench/inputs/mnist10k_n10000_pca50_labels.npy
  lmrec $LM tsne "$X" --labels "$Y" --method barnes-hut --threads $THREADS --seed 1 --metrics --json --out bench/lm-mnist10k.npy -q
  ;;
exact)
  log "exact t-SNE, first 2,000 MNIST"
  rec "$("$PY" "$PEERS/tsne_anchor.py" --data mnist10k --n 2000 --method sklearn-exact --threads $THREADS --save-inputs bench/inputs)"
  X=bench/inputs/mnist10k_n2000_pca50_X.npy; Y=bench/inputs/mnist10k_n2000_pca50_labels.npy
  lmrec $LM tsne "$X" --labels "$Y" --method exact --threads $THREADS --seed 1 --metrics --json --out bench/lm-exact2k.npy -q
  ;;
fashion)
  log "t-SNE, Fashion-MNIST 70k, PCA-50"
  rec "$("$PY" "$PEERS/tsne_anchor.py" --data fashion70k --method opentsne-fft --threads $THREADS --save-inputs bench/inputs)"
  X=bench/inputs/fashion70k_n70000_pca50_X.npy; Y=bench/inputs/fashion70k_n70000_pca50_labels.npy
  lmrec $LM tsne "$X" --labels "$Y" --method auto --threads $THREADS --seed 1 --metrics --json --out bench/lm-fashion70k.npy -q
  lmrec $LM tsne "$X" --labels "$Y" --method barnes-hut --threads $THREADS --seed 1 --metrics --json --out bench/lm-fashion70k-bh.npy -q
  ;;
crossover)
  log "t-SNE method crossover: exact / Barnes-Hut / interpolation on Fashion-MNIST PCA-50 subsamples"
  X=bench/inputs/fashion70k_n70000_pca50_X.npy; Y=bench/inputs/fashion70k_n70000_pca50_labels.npy
  [ -f "$X" ] || { log "run 'fashion' first (it saves the PCA-50 input)"; continue; }
  for n in ${CROSSOVER_SIZES:-1000 2000 5000 10000 20000 50000}; do
    methods="barnes-hut interpolation"
    [ "$n" -le 5000 ] && methods="exact $methods"   # exact needs 24·N² bytes: 0.6 GB at 5,000
    for m in $methods; do
      lmrec $LM tsne "$X" --labels "$Y" --subsample "$n" --method "$m" --threads $THREADS --seed 1 --json -q
    done
  done
  ;;
place)
  N="${N:-60000}"; NT=$((N / 6))
  log "placing Fashion-MNIST test images into the t-SNE map of the training images (PCA-50 fitted on train; $N train, $NT test)"
  P=bench/inputs/fashion_place_n${N}
  [ -f "${P}_test_X.npy" ] || "$PY" - "$PEERS" "$P" "$N" "$NT" <<'PYEOF'
import sys; sys.path.insert(0, sys.argv[1])
import numpy as np, idx
P, n, nt = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
F = idx.FASHION
X = idx.read_idx(f"{F}/train-images-idx3-ubyte.gz").reshape(60000, -1)[:n] / 255.0
T = idx.read_idx(f"{F}/t10k-images-idx3-ubyte.gz").reshape(10000, -1)[:nt] / 255.0
mean = X.mean(0); C = np.cov(X - mean, rowvar=False)
w, V = np.linalg.eigh(C); V = V[:, np.argsort(w)[::-1][:50]]
np.save(f"{P}_train_X.npy", ((X - mean) @ V).astype(np.float32)); np.save(f"{P}_test_X.npy", ((T - mean) @ V).astype(np.float32))
np.save(f"{P}_train_labels.npy", idx.read_idx(f"{F}/train-labels-idx1-ubyte.gz")[:n].astype(np.int64))
np.save(f"{P}_test_labels.npy", idx.read_idx(f"{F}/t10k-labels-idx1-ubyte.gz")[:nt].astype(np.int64))
PYEOF
  if "$PY" -c "import openTSNE" 2>/dev/null; then
    rec "$("$PY" "$PEERS/opentsne_matrix.py" --x "${P}_train_X.npy" --labels "${P}_train_labels.npy" --new "${P}_test_X.npy" --new-labels "${P}_test_labels.npy" --threads $THREADS --seed 1)"
  else
    log "openTSNE is not installed in $PY: skipping its line"
  fi
  lmrec $LM tsne "${P}_train_X.npy" --labels "${P}_train_labels.npy" --method barnes-hut --threads $THREADS --seed 1 --json --out bench/lm-place-train.npy --save-map bench/lm-place-map.safetensors -q
  lmrec $LM place bench/lm-place-map.safetensors "${P}_test_X.npy" --labels "${P}_test_labels.npy" --threads $THREADS --json --out bench/lm-place-test.npy -q
  ;;
fashion-bh)
  rec "$("$PY" "$PEERS/tsne_anchor.py" --data fashion70k --method opentsne-bh --threads $THREADS)"
  ;;
ae)
  log "dense autoencoders, Fashion-MNIST 60k train / 10k test, $AE_EPOCHS epochs"
  [ -n "${SKIP_PEERS:-}" ] || ensure_torch
  [ -n "$PEAK" ] || PEAK="$(latest_peak)"
  EPOCHS=$AE_EPOCHS
  aepair b --preset dense20 --epochs "$AE_EPOCHS" --out bench/dense20.safetensors
  aepair a --preset dense2d --epochs "$AE_EPOCHS" --out bench/dense2d.safetensors
  ;;
conv)
  log "convolutional autoencoder (32 channels), $CONV_EPOCHS epochs: the peer's network and recipe (Adam, clean inputs), then conv-denoise's own"
  [ -n "${SKIP_PEERS:-}" ] || ensure_torch
  [ -n "$PEAK" ] || PEAK="$(latest_peak)"
  EPOCHS=$CONV_EPOCHS
  aepair conv --preset conv-denoise --optimizer adam --noise 0 --epochs "$CONV_EPOCHS" --out bench/conv.safetensors
  w=conv-denoise
  # shellcheck disable=SC2046
  lmrec $LM train fashion-mnist --part train --preset conv-denoise --epochs "$CONV_EPOCHS" --threads $THREADS --seed 1 \
    --json --out bench/convdn.safetensors -q "${LM_EXTRA[@]}"
  ;;
pipeline)
  log "README command (1): latentmap pipeline on the bundled MNIST (train, encode, t-SNE, figures, metrics)"
  rm -rf bench/pipeline
  /usr/bin/time -f '%e %M' -o bench/time.txt $LM pipeline --seed 1 --threads $THREADS --out bench/pipeline -q
  read -r wall rss < bench/time.txt
  rec "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["kind"]="pipeline"; print(json.dumps(d))' bench/pipeline/metrics.json)" \
    --tool latentmap --wall-s "$wall" --peak-rss-kb "$rss"
  ;;
peak)
  log "SGEMM peak of BLAS.gemm, 2048³, $THREADS threads"
  out="$($LM sgemm-peak --threads $THREADS)"
  rec "$out" --tool latentmap
  PEAK="$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["gflops"])' <<<"$out")"
  ;;
data)
  log "loading all 70,000 Fashion-MNIST images into a Float32 matrix"
  for i in 1 2 3; do $LM info fashion-mnist --timing 2>&1 >/dev/null | grep -i time; done
  ;;
plot)
  log "70,000-point labelled scatter"
  [ -f bench/lm-fashion70k.npy ] || { log "run 'fashion' first"; continue; }
  Y=bench/inputs/fashion70k_n70000_pca50_labels.npy
  for ext in png svg pdf; do
    /usr/bin/time -f "scatter 70k $ext: %e s" $LM plot scatter bench/lm-fashion70k.npy --labels "$Y" --out bench/scatter70k.$ext
  done
  ;;
neighbors)
  log "k-NN (k = 90) of PCA-50 inputs, exact against HNSW, at several sizes (for the auto crossover)"
  for n in ${NEIGHBOR_SIZES:-10000 20000 35000 50000 70000 140000 250000}; do
    if [ "$n" -le 70000 ]; then src=(fashion-mnist --subsample "$n")
    else augmented 250000; src=(bench/inputs/fashion-aug250000.npy --subsample "$n"); fi
    for search in exact approximate; do
      lmrec $LM neighbors "${src[@]}" --neighbors 90 --neighbor-search $search --threads $THREADS --seed 1 --json -q
    done
  done
  lmrec $LM neighbors fashion-mnist --neighbors 90 --neighbor-search approximate --threads $THREADS --recall all --json -q
  ;;
million)
  log "t-SNE of $AUG_N augmented Fashion-MNIST images: load, PCA-50, neighbours, affinities, 750 iterations, write"
  augmented "$AUG_N"
  X=bench/inputs/fashion-aug$AUG_N.npy; Y=bench/inputs/fashion-aug$AUG_N-labels.npy
  lmrec $LM tsne "$X" --labels "$Y" --pca 50 --method "$TSNE_METHOD" --neighbor-search auto --iterations 750 \
    --threads $THREADS --seed 1 --json --out bench/lm-aug$AUG_N.npy -q
  ;;
tsne250k)
  log "t-SNE of the first $SUB_N augmented images, PCA-50: openTSNE FFT and LatentMap on the same matrix"
  augmented "$SUB_N"
  D=bench/inputs/pca-aug$SUB_N; Y=bench/inputs/fashion-aug$SUB_N-labels.npy
  [ -f "$D/scores.npy" ] || $LM pca bench/inputs/fashion-aug$SUB_N.npy --components 50 --formats png --out "$D" --threads $THREADS -q >/dev/null
  rec "$("$PY" "$PEERS/opentsne_matrix.py" --x "$D/scores.npy" --labels "$Y" --method fft --threads $THREADS)"
  lmrec $LM tsne "$D/scores.npy" --labels "$Y" --pca 0 --method "$TSNE_METHOD" --neighbor-search auto \
    --threads $THREADS --seed 1 --metrics --json --out bench/lm-aug$SUB_N.npy -q
  ;;
esac
done
