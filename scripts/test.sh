#!/usr/bin/env bash
# README command (2): install what is missing, then build and run every test.
# Tests that train or embed run in a release build (with testing enabled) to stay fast.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
# The interactive map in a real browser (headless Chromium); LATENTMAP_SKIP_BROWSER=1 skips it.
[ "${LATENTMAP_SKIP_BROWSER:-0}" = 1 ] || bash scripts/browser-test.sh
