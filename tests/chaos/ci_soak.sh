#!/usr/bin/env bash
# The CI's 2-minute chaos soak: tests/chaos/soak.py with a fixed seed (7: every fault
# kind at least twice in 100 s) on the build's
# binary (5 nodes in network namespaces, clients on every node, overlapping kills,
# pauses, partitions, packet loss and disk-full). Root only; needs iproute2 and
# iptables (app/install_deps.sh --test). Exits non-zero with a report on a violation.
#
#   tests/chaos/ci_soak.sh [BUILD_DIR]      (default: ./build)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
exec python3 "$here/soak.py" --seed 7 --duration 100 --bin "$build/onevalue"
