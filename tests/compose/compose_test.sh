#!/usr/bin/env bash
# End-to-end test of the five-node docker-compose cluster (docker-compose.yml).
#
#   tests/compose/compose_test.sh            (as root, or a user in the docker group
#                                             with sudo for the first-time setup)
#
# 1. makes docker usable (tests/compose/docker_setup.sh), builds the image onevalue:test;
# 2. starts the cluster under a unique compose project name and checks, each step
#    printed as PASS/FAIL with its duration:
#      the cluster forms; a write on one node is read on every node; a stopped node is
#      seen failed/left; it rejoins when started and catches up with a write made while
#      it was down; a node cut off the network while writes continue converges after
#      reconnecting; the value survives restarting all containers and re-creating them;
# 3. always tears the project down (`down -v`), and exits non-zero if any step failed.
#
# Every wait polls a condition until a deadline; every curl and docker call is bounded by
# `timeout`. Environment: ONEVALUE_IMAGE (default onevalue:test; set SKIP_BUILD=1 to use
# an existing image), KEEP_UP=1 to leave the cluster running for inspection,
# STEP_TIMEOUT seconds per convergence wait (default 45).
#
# COMPOSE_HTTPS=1 runs the same steps against the secure setup (config/docker-compose.https.yml):
# a CA and node certificates made by app/make_certs.sh in a temporary directory, fresh
# read and write tokens, HTTPS on the published ports with plain HTTP off; every request
# goes with curl --cacert and the write token, and one more step checks that a request
# without a token gets 401, a read token's write 403, and plain HTTP no answer.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ONEVALUE_IMAGE=${ONEVALUE_IMAGE:-onevalue:test}
PROJECT=${COMPOSE_PROJECT:-ovtest$$}
STEP_TIMEOUT=${STEP_TIMEOUT:-45}
# A fresh cluster key per test run (docker-compose.yml requires one).
ONEVALUE_GOSSIP_KEYS=$("$ROOT/app/make_keyring.sh")
export ONEVALUE_GOSSIP_KEYS
NODES=(node1 node2 node3 node4 node5)
declare -A IP=([node1]=172.28.5.11 [node2]=172.28.5.12 [node3]=172.28.5.13
               [node4]=172.28.5.14 [node5]=172.28.5.15)
declare -A PORT=()
PASSED=0
FAILED=0
NET=""

log() { printf '[compose_test] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# ---- compose and docker wrappers ------------------------------------------------------

if timeout 10 docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  COMPOSE=(docker-compose)
fi

HTTPS=${COMPOSE_HTTPS:-0}
COMPOSE_FILES=(-f "$ROOT/docker-compose.yml")
TLS_DIR=""
CURL_TLS=()
SCHEME=http
if [ "$HTTPS" = 1 ]; then
  COMPOSE_FILES+=(-f "$ROOT/config/docker-compose.https.yml")
  SCHEME=https
  TLS_DIR=$(mktemp -d)
  export ONEVALUE_TLS_DIR=$TLS_DIR/tls
  ONEVALUE_ACL_READ_TOKENS=$(openssl rand -hex 16)
  ONEVALUE_ACL_WRITE_TOKENS=$(openssl rand -hex 16)
  export ONEVALUE_ACL_READ_TOKENS ONEVALUE_ACL_WRITE_TOKENS
  CURL_TLS=(--cacert "$ONEVALUE_TLS_DIR/ca.crt" -H "Authorization: Bearer $ONEVALUE_ACL_WRITE_TOKENS")
fi

compose() {
  timeout 180 "${COMPOSE[@]}" -p "$PROJECT" "${COMPOSE_FILES[@]}" "$@"
}

# Makes the CA and the five node certificates (cluster address and 127.0.0.1 each).
make_certs() {
  local specs=() n
  for n in "${NODES[@]}"; do specs+=("$n=${IP[$n]},127.0.0.1,localhost"); done
  KEY_MODE=0644 "$ROOT/app/make_certs.sh" "$ONEVALUE_TLS_DIR" "${specs[@]}" >/dev/null
}

declare -A CID=()
# Looks up every service's container id (after `up`) by the labels both compose versions
# set; asking docker is much faster than starting compose (v1 is Python).
refresh_cids() {
  local n
  for n in "${NODES[@]}"; do
    CID[$n]=$(timeout 10 docker ps -aq --no-trunc \
      --filter "label=com.docker.compose.project=$PROJECT" \
      --filter "label=com.docker.compose.service=$n" | head -n 1)
    [ -n "${CID[$n]}" ] || return 1
  done
}

# Prints the container id of a service.
cid() { printf '%s\n' "${CID[$1]}"; }

# Prints a sub-step's progress with the seconds since $1 (a `now` timestamp).
mark() { log "  .. $2 after $(elapsed "$1")"; }

# ---- HTTP helpers: published ports on 127.0.0.1, or docker exec when cut off ----------

# GETs PATH on NODE through its published port; prints the body, fails on any error.
http() {
  timeout 5 curl -fsS --max-time 3 "${CURL_TLS[@]}" "$SCHEME://127.0.0.1:${PORT[$1]}$2" 2>/dev/null
}

# GETs PATH from inside NODE's container (works while it is disconnected from the network).
http_inside() {
  local id
  id=$(cid "$1") || return 1
  if [ "$HTTPS" = 1 ]; then
    timeout 8 docker exec "$id" curl -fsS --max-time 3 --cacert /etc/onevalue/tls/ca.crt \
      -H "Authorization: Bearer $ONEVALUE_ACL_WRITE_TOKENS" "https://127.0.0.1:8080$2" 2>/dev/null
  else
    timeout 8 docker exec "$id" curl -fsS --max-time 3 "http://127.0.0.1:8080$2" 2>/dev/null
  fi
}

# Prints NODE's value (the body of /get, whitespace stripped).
value_of() { http "$1" /get | tr -d '[:space:]'; }
value_inside() { http_inside "$1" /get | tr -d '[:space:]'; }

# Reads a /v1/members JSON array on stdin and prints "name=state" per member, sorted.
members_table() {
  python3 -c '
import json, sys
try:
    text = sys.stdin.read()
    if not text.strip():
        print("no-answer")
        sys.exit(0)
    members = json.loads(text)
    print(" ".join(sorted("%s=%s" % (m["name"], m["state"]) for m in members)))
except Exception as e:
    print("unparsable:%s" % e)
'
}
members_of() { http "$1" /v1/members | members_table; }
members_inside() { http_inside "$1" /v1/members | members_table; }

ALL_ALIVE="node1=alive node2=alive node3=alive node4=alive node5=alive"

# ---- polling and reporting ------------------------------------------------------------

# Polls the command "${@:2}" until it succeeds or $1 seconds pass; fails on the deadline.
wait_for() {
  local secs=$1 deadline
  shift
  deadline=$(( $(date +%s) + secs ))
  while true; do
    if "$@"; then return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

LAST_DETAIL=""
# Runs a step function, prints PASS/FAIL with its duration, counts the result.
step() {
  local name=$1 fn=$2 start
  start=$(now)
  LAST_DETAIL=""
  if "$fn"; then
    PASSED=$((PASSED + 1))
    printf 'PASS  %-58s %8s\n' "$name" "$(elapsed "$start")"
  else
    FAILED=$((FAILED + 1))
    printf 'FAIL  %-58s %8s  %s\n' "$name" "$(elapsed "$start")" "$LAST_DETAIL"
  fi
}

# Records a failure explanation for the step in progress and fails.
fail() { LAST_DETAIL=$*; return 1; }

# ---- conditions -----------------------------------------------------------------------

# True when every node in "$@" lists all five members alive.
all_alive_on() {
  local n
  for n in "$@"; do [ "$(members_of "$n")" = "$ALL_ALIVE" ] || return 1; done
}

# True when every node in "${@:2}" reads value $1.
value_on() {
  local want=$1 n
  shift
  for n in "$@"; do [ "$(value_of "$n")" = "$want" ] || return 1; done
}

# True when every node in "${@:3}" shows member $1 in one of the states in regex $2.
member_state_on() {
  local who=$1 states=$2 n
  shift 2
  for n in "$@"; do
    members_of "$n" | tr ' ' '\n' | grep -Eq "^${who}=(${states})\$" || return 1
  done
}

# Writes value $2 through node $1 and checks the reply echoes it.
write() {
  local got
  got=$(http "$1" "/set/$2" | tr -d '[:space:]')
  [ "$got" = "$2" ] || fail "set $2 on $1 answered '${got}'"
}

# Describes the cluster from every node, for failure messages.
snapshot() {
  local n out=""
  for n in "${NODES[@]}"; do
    out+="$n: value=$(value_of "$n" || echo '?') [$(members_of "$n")]; "
  done
  printf '%s' "$out"
}

others() { local n; for n in "${NODES[@]}"; do [ "$n" = "$1" ] || printf '%s ' "$n"; done; }

# True when all five nodes list all five alive and read value $1.
converged_on() { all_alive_on "${NODES[@]}" && value_on "$1" "${NODES[@]}"; }

# True when node4, asked from inside, reads $1 and sees all alive, and so do the others.
node4_reconnected() {
  [ "$(value_inside node4)" = "$1" ] && [ "$(members_inside node4)" = "$ALL_ALIVE" ] &&
    all_alive_on node1 node2 node3 node5
}

# ---- the steps ------------------------------------------------------------------------

VALUE=0
next_value() { VALUE=$((VALUE + 1000 + RANDOM % 1000)); }

step_cluster_forms() {
  wait_for "$STEP_TIMEOUT" all_alive_on "${NODES[@]}" || fail "$(snapshot)"
}

step_write_read_everywhere() {
  next_value
  write node1 "$VALUE" || return 1
  wait_for "$STEP_TIMEOUT" value_on "$VALUE" "${NODES[@]}" || fail "want $VALUE; $(snapshot)"
}

# SIGTERM must make the node leave and exit 0 within 2 s; docker would SIGKILL it (137)
# after the 10 s grace period given here.
step_node_stops_cleanly() {
  local id start took code
  id=$(cid node3)
  start=$(date +%s%N)
  timeout 30 docker stop -t 10 "$id" >/dev/null || fail "docker stop failed"
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  code=$(timeout 10 docker inspect -f '{{.State.ExitCode}}' "$id")
  if [ "$code" != 0 ] || [ "$took" -gt 3000 ]; then
    fail "docker stop took ${took} ms, exit code ${code} (want 0 within 3000 ms)"
  fi
}

step_stopped_node_seen_gone() {
  # Already stopped by the step before; stopping again is a no-op that keeps this step
  # meaningful on its own.
  timeout 30 docker stop -t 10 "$(cid node3)" >/dev/null || fail "docker stop node3 failed"
  # shellcheck disable=SC2046
  wait_for "$STEP_TIMEOUT" member_state_on node3 "failed|left" $(others node3) ||
    fail "$(snapshot)"
}

step_restarted_node_rejoins_and_catches_up() {
  next_value
  write node2 "$VALUE" || return 1
  # shellcheck disable=SC2046
  wait_for "$STEP_TIMEOUT" value_on "$VALUE" $(others node3) ||
    fail "write while node3 down did not spread: $(snapshot)"
  timeout 30 docker start "$(cid node3)" >/dev/null || fail "docker start node3 failed"
  wait_for "$STEP_TIMEOUT" converged_on "$VALUE" ||
    fail "want $VALUE; $(snapshot)"
}

step_partitioned_node_converges() {
  local id start
  id=$(cid node4)
  start=$(now)
  timeout 30 docker network disconnect "$NET" "$id" || fail "network disconnect failed"
  # Writes continue on the majority side while node4 is cut off.
  next_value
  write node1 "$VALUE" || return 1
  # shellcheck disable=SC2046
  wait_for "$STEP_TIMEOUT" member_state_on node4 "suspect|failed" $(others node4) ||
    fail "majority did not notice node4 gone: $(snapshot)"
  mark "$start" "node4 suspect/failed on all others"
  next_value
  write node2 "$VALUE" || return 1
  # shellcheck disable=SC2046
  wait_for "$STEP_TIMEOUT" value_on "$VALUE" $(others node4) ||
    fail "write during partition did not spread: $(snapshot)"
  local cut_off
  cut_off=$(value_inside node4)
  [ "$cut_off" != "$VALUE" ] || fail "node4 read $VALUE while disconnected: not partitioned"
  mark "$start" "write during the partition read on all others"
  start=$(now)
  timeout 30 docker network connect --ip "${IP[node4]}" --alias node4 "$NET" "$id" ||
    fail "network connect failed"
  # Inside the container: the published port may take a moment to be re-plumbed.
  wait_for "$STEP_TIMEOUT" node4_reconnected "$VALUE" ||
    fail "want $VALUE; node4 inside: $(value_inside node4) [$(members_inside node4)]; $(snapshot)"
  mark "$start" "node4 reconnected: converged"
}

step_published_port_after_reconnect() {
  wait_for "$STEP_TIMEOUT" value_on "$VALUE" node4 ||
    fail "node4 port ${PORT[node4]} answers '$(value_of node4)'"
}

step_value_survives_restart() {
  local start
  start=$(now)
  compose restart >/dev/null 2>&1 || fail "compose restart failed"
  mark "$start" "compose restart returned"
  wait_for "$STEP_TIMEOUT" converged_on "$VALUE" ||
    fail "want $VALUE; $(snapshot)"
}

step_value_survives_recreate() {
  local start
  start=$(now)
  compose down >/dev/null 2>&1 || fail "compose down failed"
  mark "$start" "compose down (volumes kept) returned"
  compose up -d --no-build >/dev/null 2>&1 || fail "compose up failed"
  refresh_cids || fail "cannot find the new containers"
  mark "$start" "compose up returned"
  wait_for "$STEP_TIMEOUT" converged_on "$VALUE" ||
    fail "want $VALUE; $(snapshot)"
}

# HTTPS only: what a client without the right token or scheme gets.
step_tokens_enforced() {
  local base="https://127.0.0.1:${PORT[node2]}" ca=(--cacert "$ONEVALUE_TLS_DIR/ca.crt") code
  code=$(timeout 5 curl -s -o /dev/null -w '%{http_code}' --max-time 3 "${ca[@]}" "$base/get")
  [ "$code" = 401 ] || fail "no token: HTTP $code (want 401)"
  code=$(timeout 5 curl -s -o /dev/null -w '%{http_code}' --max-time 3 "${ca[@]}" \
    -H "Authorization: Bearer $ONEVALUE_ACL_READ_TOKENS" -X POST "$base/set/1")
  [ "$code" = 403 ] || fail "read token on a write: HTTP $code (want 403)"
  code=$(timeout 5 curl -s -o /dev/null -w '%{http_code}' --max-time 3 "${ca[@]}" \
    -H "Authorization: Bearer $ONEVALUE_ACL_READ_TOKENS" "$base/get")
  [ "$code" = 200 ] || fail "read token on a read: HTTP $code (want 200)"
  if timeout 5 curl -fsS --max-time 3 "http://127.0.0.1:${PORT[node2]}/get" >/dev/null 2>&1; then
    fail "plain HTTP answered on the HTTPS port"
  fi
  code=$(timeout 5 curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base/get")
  [ "$code" = 000 ] || fail "a client that does not trust the CA got HTTP $code"
  return 0
}

# ---- setup and teardown ---------------------------------------------------------------

# True if any TCP socket on this host has local port $1: a listener on any address, or a
# client connection that the kernel gave that port as its ephemeral source port. Docker's
# proxy cannot bind such a port (CI once failed on exactly that, with a port in 32768-60999).
port_taken() { [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]; }

# Lowest port the kernel hands out as an ephemeral source port (32768 by default).
ephemeral_low() { awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768; }

# Picks a free 127.0.0.1 port per node unless ONEVALUE_PORT_N is set, so the test does not
# collide with a cluster or test already using 8080-8084. The search starts at $1 (default
# 28080) and stays below the ephemeral range, where no outgoing connection can take a port
# between this check and `compose up`.
pick_ports() {
  local i=1 p=${1:-28080} n var limit
  limit=$(ephemeral_low)
  for n in "${NODES[@]}"; do
    var="ONEVALUE_PORT_$i"
    if [ -n "${!var:-}" ] && [ -z "${PICKED_PORTS:-}" ]; then
      p=${!var}
    else
      while port_taken "$p" && [ "$p" -lt "$limit" ]; do p=$((p + 1)); done
      [ "$p" -lt "$limit" ] || { log "no free port below $limit"; return 1; }
      export "$var=$p"
    fi
    PORT[$n]=$p
    p=$((p + 1)) i=$((i + 1))
  done
  PICKED_PORTS=1
}

teardown() {
  local rc=$?
  if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
    log "logs of the failed run (last 40 lines per node):"
    compose logs --no-color --tail=40 >&2 2>/dev/null || true
  fi
  if [ "${KEEP_UP:-0}" = 1 ]; then
    log "KEEP_UP=1: leaving project $PROJECT running"
  else
    compose down -v --remove-orphans >/dev/null 2>&1 || log "compose down failed"
  fi
  [ -z "$TLS_DIR" ] || rm -rf "$TLS_DIR"
}

phase() {
  local name=$1 start
  shift
  start=$(now)
  if "$@"; then
    printf 'PASS  %-58s %8s\n' "$name" "$(elapsed "$start")"
    PASSED=$((PASSED + 1))
  else
    printf 'FAIL  %-58s %8s\n' "$name" "$(elapsed "$start")"
    FAILED=$((FAILED + 1))
    printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
    exit 1
  fi
}

build_image() {
  if [ "${SKIP_BUILD:-0}" = 1 ]; then
    timeout 10 docker image inspect "$ONEVALUE_IMAGE" >/dev/null 2>&1
    return
  fi
  local out
  out=$(mktemp)
  # The builder stage gets a tag too, so the prune below keeps it as the next build's cache.
  if timeout 1200 docker build --network=host --force-rm --target builder \
       -t "${ONEVALUE_IMAGE}-builder" "$ROOT" >"$out" 2>&1 &&
     timeout 600 docker build --network=host --force-rm -t "$ONEVALUE_IMAGE" "$ROOT" >>"$out" 2>&1; then
    rm -f "$out"
    timeout 60 docker image prune -f >/dev/null 2>&1 || true
  else
    tail -n 40 "$out" >&2
    rm -f "$out"
    return 1
  fi
}

# Brings the project up. If a published port was taken between pick_ports and the bind
# (another process can listen on it at any time), picks new ports and tries again, twice.
start_cluster() {
  local attempt out
  out=$(mktemp)
  for attempt in 1 2 3; do
    compose down -v --remove-orphans >/dev/null 2>&1
    if compose up -d --no-build >"$out" 2>&1; then
      break
    fi
    cat "$out" >&2
    if [ "$attempt" -eq 3 ] || ! grep -qiE 'address already in use|port is already allocated' "$out"; then
      rm -f "$out"
      return 1
    fi
    log "a published port was taken meanwhile; picking new ports (attempt $((attempt + 1)) of 3)"
    pick_ports $((PORT[node5] + 1)) || { rm -f "$out"; return 1; }
    log "HTTP ports now $(for n in "${NODES[@]}"; do printf '%s ' "${PORT[$n]}"; done)"
  done
  cat "$out" >&2
  rm -f "$out"
  refresh_cids || return 1
  # shellcheck disable=SC2016  # a Go template, not shell
  NET=$(timeout 10 docker inspect -f \
    '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' "$(cid node1)") || return 1
  [ -n "$NET" ]
}

main() {
  command -v python3 >/dev/null || { log "python3 is needed to read JSON"; exit 1; }
  command -v curl >/dev/null || { log "curl is needed"; exit 1; }
  phase "docker usable (docker_setup.sh)" "$ROOT/tests/compose/docker_setup.sh"
  phase "image $ONEVALUE_IMAGE built" build_image
  pick_ports
  trap teardown EXIT
  if [ "$HTTPS" = 1 ]; then
    phase "CA and node certificates made (app/make_certs.sh)" make_certs
  fi
  trap 'exit 130' INT TERM
  log "project $PROJECT, HTTP ports $(for n in "${NODES[@]}"; do printf '%s ' "${PORT[$n]}"; done)"
  phase "compose up (5 nodes)" start_cluster

  step "cluster forms: every node lists 5 members alive" step_cluster_forms
  step "a set on node1 is read on every node" step_write_read_everywhere
  if [ "$HTTPS" = 1 ]; then
    step "HTTPS: no token 401, read token write 403, no plain HTTP" step_tokens_enforced
  fi
  step "node3 stops on SIGTERM: exit 0 within 3 s" step_node_stops_cleanly
  step "stopped node3 is failed or left on the others" step_stopped_node_seen_gone
  step "node3 started: rejoins, catches up with a write" step_restarted_node_rejoins_and_catches_up
  step "node4 disconnected during writes converges after reconnect" step_partitioned_node_converges
  step "node4's published port serves the value after reconnect" step_published_port_after_reconnect
  step "value survives restarting all containers" step_value_survives_restart
  step "value survives re-creating all containers (volumes)" step_value_survives_recreate

  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
  [ "$FAILED" -eq 0 ]
}

main "$@"
