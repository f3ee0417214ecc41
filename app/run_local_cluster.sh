#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root), builds onevalue and runs a three-node
# cluster on 127.0.0.1-3 (HTTP on port 8080 of each address) from
# config/local-cluster/. Ctrl-C (or SIGTERM) makes every node leave gracefully.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/app/install_deps.sh"
"$root/app/build.sh"
cd "$root"
pids=()
stop() {
  trap - INT TERM
  echo "stopping the cluster"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM
for n in 1 2 3; do
  "$root/build/onevalue" --config-file="config/local-cluster/node$n.ini" &
  pids+=($!)
done
echo "onevalue: 3 nodes starting; try: curl 127.0.0.1:8080/set/5 && curl 127.0.0.3:8080/get"
wait
