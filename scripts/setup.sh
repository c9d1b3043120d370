#!/usr/bin/env bash
# Installs the Debian packages LatentMap needs, only those that are missing.
# Idempotent and quick when everything is present. Extra package names given as arguments are
# installed too (scripts/fuzz.sh asks for python3-numpy).
set -euo pipefail
need=()
for pkg in libopenblas-dev liblapacke-dev libxsmm-dev libcairo2-dev zlib1g-dev libfftw3-dev libhnswlib-dev fonts-dejavu-core fonts-liberation2 pkg-config dataset-fashion-mnist "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "setup: all system packages present"
fi
