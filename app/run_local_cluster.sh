#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root), builds and installs the node
# (/usr/local/bin/onevalue), and runs a three-node cluster on 127.0.0.1-3 (HTTP on
# port 8080 of each address) from config/local-cluster/, with logs in data/logs/.
#
# Waits until every node answers /health, then prints where to curl. Exits non-zero,
# with the node's last log lines, if a node fails to start or dies. Ctrl-C (or SIGTERM)
# makes every node leave gracefully; the script exits 0 if they all exited 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/app/install_deps.sh"
echo "building the node (the tests are not needed to run it)"
"$root/app/build.sh" --target onevalue
cmake --install "$root/build" --prefix /usr/local >/dev/null
cd "$root"
mkdir -p data/logs

nodes=(1 2 3)
pids=()
stopping=0

show_log() {
  echo "---- last lines of data/logs/node$1.log ----" >&2
  tail -n 15 "data/logs/node$1.log" >&2 || true
}

# Sends SIGTERM to every node still running and waits for each; returns 1 if any
# exited with a non-zero status.
stop_all() {
  local status=0
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "node${nodes[$i]} exited with an error" >&2
      show_log "${nodes[$i]}"
      status=1
    fi
  done
  return $status
}

on_signal() {
  trap - INT TERM
  stopping=1
  echo "stopping the cluster (every node leaves)"
  if stop_all; then
    echo "all nodes left and exited cleanly"
    exit 0
  fi
  exit 1
}
trap on_signal INT TERM

# Fails with the log of the first node that is no longer running, if any.
check_running() {
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "node${nodes[$i]} exited during start-up" >&2
      show_log "${nodes[$i]}"
      trap - INT TERM
      stop_all || true
      exit 1
    fi
  done
}

# Node-to-node traffic is sealed with a cluster key made here on the first run (never
# one from the repository): each node's keyring file (mode 0600) in its data dir, where
# the node reads it (gossip-keys-file). Later runs keep the keys the cluster rotated to.
key=""
for n in "${nodes[@]}"; do
  if [[ -f "data/node$n/keyring" ]]; then
    key=$(sed -n 's/^key=//p' "data/node$n/keyring" | head -n 1)
    break
  fi
done
[[ -n "$key" ]] || key=$("$root/app/make_keyring.sh")
for n in "${nodes[@]}"; do
  if [[ ! -f "data/node$n/keyring" ]]; then
    mkdir -p "data/node$n"
    printf '%s\n' "$key" | "$root/app/make_keyring.sh" --file "data/node$n/keyring" - >/dev/null
  fi
done
unset key

for n in "${nodes[@]}"; do
  onevalue --config-file="config/local-cluster/node$n.ini" >"data/logs/node$n.log" 2>&1 &
  pids+=($!)
done

# /health answers 200 once a node takes writes (it has synchronized with the others);
# before that 503 with its status and the reason, shown if the wait times out.
deadline=$((SECONDS + 30))
for n in "${nodes[@]}"; do
  until curl -fsS --max-time 1 "http://127.0.0.$n:8080/health" >/dev/null 2>&1; do
    check_running
    if ((SECONDS > deadline)); then
      echo "node$n did not become ready (take writes) within 30 s:" >&2
      curl -sS --max-time 1 "http://127.0.0.$n:8080/health" >&2 || true
      show_log "$n"
      trap - INT TERM
      stop_all || true
      exit 1
    fi
    sleep 0.1
  done
done

cat <<EOF
onevalue: 3 nodes up (node1-3 on 127.0.0.1-3, HTTP port 8080; logs in data/logs/)
  curl 127.0.0.1:8080/set/5     # write on node1
  curl 127.0.0.3:8080/get       # read on node3
  onevalue --help               # the node's options; the binary is in /usr/local/bin
Ctrl-C stops the cluster.
EOF

# Waits for a signal (see on_signal) or for a node to die on its own.
while true; do
  set +e
  wait -n "${pids[@]}"
  set -e
  ((stopping)) && break
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "node${nodes[$i]} stopped unexpectedly" >&2
      show_log "${nodes[$i]}"
      trap - INT TERM
      stop_all || true
      exit 1
    fi
  done
done
