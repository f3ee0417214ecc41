#!/usr/bin/env bash
# Configures and builds onevalue into BUILD_DIR (default: build/ under the repo root).
# Extra arguments go to cmake (e.g. -DONEVALUE_SANITIZE=ON).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
