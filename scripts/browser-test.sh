#!/usr/bin/env bash
# Tests the interactive HTML map in headless Chromium (Debian's chromium and chromium-driver,
# driven through WebDriver by selenium in a venv under .build-browser-venv). Called by
# scripts/test.sh; run it alone after a build with `bash scripts/browser-test.sh`.
# Also: `bash scripts/browser-test.sh --measure PAGE.html [--screenshot OUT.png] [--hover I]`
# opens a page and prints its size and load-to-ready time; `--make-million DIR` writes test points.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh chromium chromium-driver python3-venv
venv=.build-browser-venv
if [ ! -f "$venv/.installed" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" 2>/dev/null || /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "selenium>=4.20,<5" "pillow>=10"
  touch "$venv/.installed"
fi
if [ "${1:-}" = "--measure" ] || [ "${1:-}" = "--make-million" ]; then
  exec "$venv/bin/python" scripts/browser_test.py "$@"
fi
swift build -c release -Xswiftc -enable-testing --product latentmap
work=$(mktemp -d "${TMPDIR:-/tmp}/latentmap-browser-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" scripts/browser_test.py .build/release/latentmap "$work"
