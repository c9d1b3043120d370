#!/usr/bin/env bash
# Measures LatentMap beside its peers (scikit-learn, openTSNE, PyTorch) in one run on this machine.
# Needs the peers' venv: python3 -m venv ~/peers && ~/peers/bin/pip install scikit-learn openTSNE torch matplotlib
# Usage: scripts/bench.sh [tsne|exact|fashion|place|ae|conv|data|plot ...]   (default: tsne exact ae data plot)
#        N=6000 scripts/bench.sh place   (a quick check on the first N training and N/6 test images)
# Writes one JSON line per measurement to bench/results.jsonl. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS="${PEERS:-$(cd .. && pwd)/shared/peers}"
PY="${PY:-$HOME/peers/bin/python}"
THREADS=2
mkdir -p bench/inputs
RES=bench/results.jsonl
bash scripts/setup.sh >/dev/null
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product latentmap 2>&1 | tail -1
LM=.build/release/latentmap
what=("$@"); [ ${#what[@]} -gt 0 ] || what=(tsne exact ae data plot)
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
  rec "$out" --tool latentmap --wall-s "$wall" --peak-rss-kb "$rss"
}
export OPENBLAS_NUM_THREADS=$THREADS

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
  log "autoencoders, Fashion-MNIST 60k train / 10k test, 10 epochs"
  rec "$("$PY" "$PEERS/ae_anchor.py" --model b --epochs 10 --threads $THREADS)"
  lmrec $LM train fashion-mnist --part train --preset dense20 --epochs 10 --threads $THREADS --seed 1 --json --out bench/dense20.safetensors -q
  rec "$("$PY" "$PEERS/ae_anchor.py" --model a --epochs 10 --threads $THREADS)"
  lmrec $LM train fashion-mnist --part train --preset dense2d --epochs 10 --threads $THREADS --seed 1 --json --out bench/dense2d.safetensors -q
  ;;
conv)
  log "denoising convolutional autoencoder, 2 epochs"
  rec "$("$PY" "$PEERS/ae_anchor.py" --model conv --epochs 2 --threads $THREADS)"
  lmrec $LM train fashion-mnist --part train --preset conv-denoise --epochs 2 --threads $THREADS --seed 1 --json --out bench/convdn.safetensors -q
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
