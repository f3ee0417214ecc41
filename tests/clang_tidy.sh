#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the repo root) on every source of onevalue itself,
# using BUILD_DIR/compile_commands.json. Exits non-zero on any finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
cd "$root"
find actors http app -name '*.cpp' -print0 |
  xargs -0 -n 1 -P "$(nproc)" clang-tidy -p "$build_dir" --quiet 2>/dev/null
echo "clang-tidy: no findings"
