#!/bin/sh
# Installs what it needs (the build packages and wrk, on Debian 12 as root), builds a
# Release onevalue and runs every benchmark of the README's Performance and failure
# detection sections, printing Markdown tables. Benchmarks, not tests: never run by
# ctest. Uses loopback addresses 127.0.0.1-50, 41-43, 60-69, 101-120, 149-160, 201-203
# and 211-213.
# The simulator's table has its own command (README, "Simulator": 10 GiB of RAM).
#
#   tests/bench/run_all.sh            # everything (~20 minutes on 2 cores)
#   QUICK=1 tests/bench/run_all.sh    # fewer writes and shorter runs
set -eu
cd "$(dirname "$0")/../.."
app/install_deps.sh
if ! command -v wrk >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk
fi
cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
make -C build-rel -j2 onevalue >/dev/null
export ONEVALUE_BIN="$PWD/build-rel/onevalue"
cd tests/bench
if [ "${QUICK:-0}" = 1 ]; then
  python3 dissemination.py 50 3,10 local,lan
  python3 http_throughput.py 5
  python3 footprint.py 10 10
  python3 scale.py 5,20 20
  python3 write_throughput.py 2
  python3 failure_detection.py 1 5 lan,local
  python3 cluster_timings.py 1
else
  python3 dissemination.py 200 3,5,10,20 local,lan
  python3 http_throughput.py 10
  python3 footprint.py 10 30
  python3 scale.py 5,10,20,50 50
  python3 write_throughput.py 5
  python3 failure_detection.py 5 5,10 lan,local
  python3 cluster_timings.py 5
fi
