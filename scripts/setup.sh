#!/usr/bin/env bash
# Installs what facekit needs on a fresh machine with Node ≥ 20.19 and npm, and nothing that
# is already there: pnpm, the workspace dependencies, Chromium and ffmpeg (for tests, from
# apt) and the model files (into models/files, from ../shared/models or the upstream URLs).
#   bash scripts/setup.sh demo|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
PNPM_VERSION=12.21.0
export ONNXRUNTIME_NODE_INSTALL=skip  # its CPU binaries ship in the package; skip the CUDA download

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.pnpm/lock.yaml ]; then
  echo "setup: installing dependencies"
  pnpm install --frozen-lockfile
fi

if [ "$mode" = test ]; then
  apt_packages=()
  if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then apt_packages+=(chromium); fi
  # ffmpeg makes the fake-camera video files (packages/test-support/src/streams.ts).
  if ! command -v ffmpeg >/dev/null 2>&1; then apt_packages+=(ffmpeg); fi
  if [ "${#apt_packages[@]}" -gt 0 ]; then
    echo "setup: installing ${apt_packages[*]} from apt"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  fi
fi

pnpm exec tsx models/fetch-models.ts
