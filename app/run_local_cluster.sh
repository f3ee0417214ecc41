#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root), builds and installs the node
# (/usr/local/bin/onevalue), and runs a three-node cluster on 127.0.0.1-3 (HTTP on
# port 8080 of each address) from config/local-cluster/, with logs in data/logs/.
#
# Waits until every node answers /health, then prints where to curl. Exits non-zero,
# with the node's last log lines, if a node fails to start or dies. Ctrl-C (or SIGTERM)
# makes every node leave gracefully; the script exits 0 if they all exited 0.
# ONEVALUE_SKIP_BUILD=1 skips the set-up, build and install and runs the `onevalue` found
# on PATH.
#
# ONEVALUE_HTTPS=1 runs the secure setup instead of the blog's plain HTTP: HTTPS on port
# 8443 of each address and plain HTTP off, a CA and one certificate per node made by
# app/make_certs.sh in data/tls/ on the first run (never committed), and a read and a
# write token (openssl rand) in data/tls/client.env, which also sets the `onevalue`
# client's address, CA and token: `. data/tls/client.env; onevalue get`.
# ONEVALUE_HTTPS=mtls also requires a client certificate (data/tls/client.crt) signed by
# that CA (https-client-ca).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${ONEVALUE_SKIP_BUILD:-0} == 1 ]]; then
  command -v onevalue >/dev/null || { echo "ONEVALUE_SKIP_BUILD=1 but no onevalue on PATH" >&2; exit 2; }
else
  "$root/app/install_deps.sh"
  echo "building the node (the tests are not needed to run it)"
  "$root/app/build.sh" --target onevalue
  cmake --install "$root/build" --prefix /usr/local >/dev/null
fi
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

# The secure setup (ONEVALUE_HTTPS): certificates and tokens made here, at run time.
https=${ONEVALUE_HTTPS:-0}
case $https in
  0 | "") https=0 ;;
  1 | mtls) ;;
  *) echo "ONEVALUE_HTTPS must be 1 (HTTPS and tokens) or mtls (also client certificates), not '$https'" >&2; exit 2 ;;
esac
tls_args=()
curl_tls=()
scheme=http port=8080
if [[ $https != 0 ]]; then
  scheme=https port=8443
  "$root/app/make_certs.sh" data/tls node1=127.0.0.1,localhost node2=127.0.0.2 node3=127.0.0.3
  if [[ ! -f data/tls/client.env ]]; then
    (
      umask 077
      cat >data/tls/client.env <<ENV
# Made by app/run_local_cluster.sh (ONEVALUE_HTTPS): the cluster's tokens and what the
# onevalue client needs to reach it. Source it: . data/tls/client.env
export READ_TOKEN=$(openssl rand -hex 16)
export WRITE_TOKEN=$(openssl rand -hex 16)
export ONEVALUE_HTTP_ADDR=https://127.0.0.1:8443
export ONEVALUE_HTTP_CA_FILE="$root/data/tls/ca.crt"
export ONEVALUE_HTTP_TOKEN=\$WRITE_TOKEN
ENV
    )
  fi
  read_token=$(sed -n 's/^export READ_TOKEN=//p' data/tls/client.env)
  write_token=$(sed -n 's/^export WRITE_TOKEN=//p' data/tls/client.env)
  curl_tls=(--cacert data/tls/ca.crt)
  if [[ $https == mtls ]]; then
    curl_tls+=(--cert data/tls/client.crt --key data/tls/client.key)
  fi
fi

for n in "${nodes[@]}"; do
  if [[ $https != 0 ]]; then
    tls_args=(--onevalue.http-port=0 --onevalue.https-port=8443
              --onevalue.https-cert="data/tls/node$n.crt" --onevalue.https-key="data/tls/node$n.key")
    [[ $https == mtls ]] && tls_args+=(--onevalue.https-client-ca=data/tls/ca.crt)
    # Tokens through the environment, not the command line (ps shows arguments).
    ONEVALUE_ACL_READ_TOKENS=$read_token ONEVALUE_ACL_WRITE_TOKENS=$write_token \
      onevalue --config-file="config/local-cluster/node$n.ini" "${tls_args[@]}" \
      >"data/logs/node$n.log" 2>&1 &
  else
    onevalue --config-file="config/local-cluster/node$n.ini" >"data/logs/node$n.log" 2>&1 &
  fi
  pids+=($!)
done

# /health answers 200 once a node takes writes (it has synchronized with the others);
# before that 503 with its status and the reason, shown if the wait times out.
deadline=$((SECONDS + 30))
for n in "${nodes[@]}"; do
  until curl -fsS --max-time 1 "${curl_tls[@]}" "$scheme://127.0.0.$n:$port/health" >/dev/null 2>&1; do
    check_running
    if ((SECONDS > deadline)); then
      echo "node$n did not become ready (take writes) within 30 s:" >&2
      curl -sS --max-time 1 "${curl_tls[@]}" "$scheme://127.0.0.$n:$port/health" >&2 || true
      show_log "$n"
      trap - INT TERM
      stop_all || true
      exit 1
    fi
    sleep 0.1
  done
done

if [[ $https != 0 ]]; then
  cert=""
  [[ $https == mtls ]] && cert=" --cert data/tls/client.crt --key data/tls/client.key"
  cat <<EOF
onevalue: 3 nodes up (node1-3 on 127.0.0.1-3, HTTPS port 8443, plain HTTP off; logs in
data/logs/; CA, certificates and tokens in data/tls/)
  . data/tls/client.env         # READ_TOKEN, WRITE_TOKEN and the client's settings
  curl --cacert data/tls/ca.crt$cert -H "Authorization: Bearer \$WRITE_TOKEN" -X POST https://127.0.0.1:8443/set/5
  curl --cacert data/tls/ca.crt$cert -H "Authorization: Bearer \$READ_TOKEN" https://127.0.0.3:8443/get
  onevalue get${cert:+ -client-cert data/tls/client.crt -client-key data/tls/client.key}   # the client, with the write token
Ctrl-C stops the cluster.
EOF
else
  cat <<EOF
onevalue: 3 nodes up (node1-3 on 127.0.0.1-3, HTTP port 8080; logs in data/logs/)
  curl 127.0.0.1:8080/set/5     # write on node1
  curl 127.0.0.3:8080/get       # read on node3
  onevalue --help               # the node's options; the binary is in /usr/local/bin
  ONEVALUE_HTTPS=1 app/run_local_cluster.sh   # instead: HTTPS and tokens
Ctrl-C stops the cluster.
EOF
fi

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
