#!/usr/bin/env bash
# Configures and builds onevalue into BUILD_DIR (default: build/ under the repo root).
# Extra arguments go to cmake (e.g. -DONEVALUE_SANITIZE=ON), except `--target T`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
# Extra arguments may also name targets to build: --target onevalue.
cmake_args=() build_args=()
while (($#)); do
  case $1 in
    --target) build_args+=(--target "$2"); shift 2 ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done
# A compiler cache, where one is installed, makes rebuilds in fresh build dirs cheap.
if command -v ccache >/dev/null; then
  cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" "${build_args[@]}"
