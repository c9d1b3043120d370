#!/usr/bin/env bash
# The interactive map's budgets (README, "An interactive map"): file size of 70,000 Fashion-MNIST
# points with thumbnails (≤ 25 MB) and of 1,000,000 points without (≤ 15 MB), and load-to-ready
# time in headless Chromium (≤ 2 s for 70,000 points; performance.now() when the map first
# responds). Also takes the README screenshot. Run in a quiet window:
#   scripts/map-budgets.sh [WORK_DIR]      (the t-SNE of Fashion-MNIST takes about 10 minutes, once)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release -Xswiftc -enable-testing --product latentmap
B=.build/release/latentmap
work=${1:-.build/map-budgets}
mkdir -p "$work"
[ -f "$work/fashion70k.npy" ] || "$B" tsne fashion-mnist --pca 50 --seed 1 --out "$work/fashion70k.npy"
"$B" plot interactive "$work/fashion70k.npy" fashion-mnist --title "Fashion-MNIST, 70,000 images: t-SNE of PCA-50" \
    --out "$work/fashion70k.html"
[ -f "$work/million.npy" ] || bash scripts/browser-test.sh --make-million "$work"
"$B" plot interactive "$work/million.npy" --labels "$work/million-labels.txt" --class-names digits \
    --title "1,000,000 points" --out "$work/million.html"
for run in 1 2 3; do
  bash scripts/browser-test.sh --measure "$work/fashion70k.html" | tail -1
done
bash scripts/browser-test.sh --measure "$work/million.html" | tail -1
bash scripts/browser-test.sh --measure "$work/fashion70k.html" --screenshot Figures/interactive-fashion70k.png --hover 4550 | tail -1
