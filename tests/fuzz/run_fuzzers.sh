#!/usr/bin/env bash
# Builds every fuzz target with clang (libFuzzer, ASan, UBSan) into BUILD_DIR
# (default build-fuzz/) and runs each for SECONDS (default 60) on a scratch copy of
# its committed corpus. Exits non-zero if any target finds a failing input; the input
# is copied to tests/fuzz/findings/<target>/ to be committed into the corpus as a
# regression test once the bug is fixed.
#   tests/fuzz/run_fuzzers.sh [SECONDS] [TARGET ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
build_dir=${BUILD_DIR:-$root/build-fuzz}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DONEVALUE_FUZZ=ON "${launcher[@]}" >/dev/null
targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(sed -n 's/^onevalue_fuzz_target(\([a-z0-9_]*\) .*/\1/p' \
                           "$root/tests/fuzz/CMakeLists.txt")
fi
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
failed=()
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpus/$t/." "$work/" 2>/dev/null || true
  findings="$root/tests/fuzz/findings/$t"
  mkdir -p "$findings"
  echo "== fuzz_$t for ${seconds}s"
  if ! "$build_dir/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" "$work" \
       >"$work.log" 2>&1; then
    failed+=("$t")
    tail -n 40 "$work.log"
  else
    grep -E "^stat::number_of_executed_units|Done [0-9]+ runs" "$work.log" | tail -n 2
  fi
  rmdir "$findings" 2>/dev/null || true
  rm -rf "$work" "$work.log"
done
if ((${#failed[@]})); then
  echo "fuzzing found failing inputs in: ${failed[*]} (see tests/fuzz/findings/)"
  exit 1
fi
echo "fuzzing: no failures in ${#targets[@]} targets"
