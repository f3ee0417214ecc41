#!/usr/bin/env bash
# Checks that every C++ file git tracks is formatted as .clang-format says (clang-format
# from Debian 12). Lists the files that are not and exits 1; `--fix` formats them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [[ "${1:-}" == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  printf 'not formatted: %s\n' "${bad[@]}"
  echo "run tests/format_check.sh --fix"
  exit 1
fi
echo "clang-format: ${#files[@]} files formatted"
