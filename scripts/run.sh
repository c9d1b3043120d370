#!/usr/bin/env bash
# README command (1): install what is missing, build in release mode, and run the main job on
# the bundled MNIST, writing figures and data to out/ (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product latentmap
out="${1:-out}"
mkdir -p "$out"
.build/release/latentmap info mnist
