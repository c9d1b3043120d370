#!/usr/bin/env bash
# README command (1): install what is missing, build in release mode, and run the main job on
# the bundled MNIST: autoencoder (20-D latent) → Barnes-Hut t-SNE → figures, data and metrics in
# out/ (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product latentmap
.build/release/latentmap pipeline --out "${1:-out}"
