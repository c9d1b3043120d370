#!/usr/bin/env bash
# Measures LatentMap beside its peers (scikit-learn, openTSNE, PyTorch) in one run on this machine.
# Needs the peers' venv: python3 -m venv ~/peers && ~/peers/bin/pip install scikit-learn openTSNE torch matplotlib
# Usage: scripts/bench.sh [peak|tsne|exact|fashion|ae|conv|data|plot ...]   (default: peak tsne exact ae conv data plot)
# The autoencoder workloads record FLOPs per epoch (counted from the layers), GFLOP/s and the share of
# the SGEMM peak measured by 'peak' in the same run, for LatentMap and PyTorch alike. Quick check of
# the plumbing (not a measurement): AE_EPOCHS=2 CONV_EPOCHS=2 LM_EXTRA="--subsample 1024" scripts/bench.sh peak ae conv
# Writes one JSON line per measurement to bench/results.jsonl. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS="${PEERS:-$(cd .. && pwd)/shared/peers}"
PY="${PY:-$HOME/peers/bin/python}"
THREADS=2
mkdir -p bench/inputs
RES="${RES:-bench/results.jsonl}"   # RES=/tmp/x.jsonl for a trial run that must not enter the committed records
bash scripts/setup.sh >/dev/null
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product latentmap 2>&1 | tail -1
LM=.build/release/latentmap
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
  lmrec $LM tsne "$X" --labels "$Y" --method barnes-hut --threads $THREADS --seed 1 --metrics --json --out bench/lm-fashion70k.npy -q
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
esac
done
