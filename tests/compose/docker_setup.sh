#!/usr/bin/env bash
# Makes docker usable for building and running onevalue, on a fresh Debian 12 machine
# without a registry as well as on a normal one. Idempotent: every step is skipped when
# what it provides is already there.
#
#   1. installs docker.io, docker-compose and debootstrap with apt when `docker`,
#      `dockerd` or a compose command is missing;
#   2. starts dockerd (no systemd needed) when no daemon answers, and waits for it;
#   3. makes sure the base image `debian:bookworm-slim` exists: already there, else
#      `docker pull`, else built with debootstrap from this host's own apt mirror.
#
# The daemon it starts runs with --iptables=false so it does not rewrite the host's
# firewall (other tests here use iptables in network namespaces). Consequence: containers
# have no route out, so `docker build` needs `--network=host` for its apt-get steps.
#
# Environment: DOCKERD_LOG (default /var/log/onevalue-dockerd.log),
#              DOCKER_READY_TIMEOUT seconds (default 30), BASE_IMAGE (default
#              debian:bookworm-slim), PULL_TIMEOUT seconds (default 60).
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-debian:bookworm-slim}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/onevalue-dockerd.log}
DOCKER_READY_TIMEOUT=${DOCKER_READY_TIMEOUT:-30}
PULL_TIMEOUT=${PULL_TIMEOUT:-60}

log() { printf '[docker_setup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have() { command -v "$1" >/dev/null 2>&1; }

# True when either compose flavour works.
have_compose() {
  have docker-compose || docker compose version >/dev/null 2>&1
}

install_packages() {
  local missing=()
  have docker || missing+=(docker.io)
  have dockerd || missing+=(docker.io)
  have_compose || missing+=(docker-compose)
  if ! docker_answers && ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    have debootstrap || missing+=(debootstrap)
  fi
  if [ "${#missing[@]}" -eq 0 ]; then
    log "docker, dockerd and compose present"
    return
  fi
  # Deduplicate (docker.io may be listed twice).
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  log "installing ${missing[*]}"
  have apt-get || die "apt-get not found; install ${missing[*]} by hand"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_daemon() {
  if docker_answers; then
    log "docker daemon already answers"
    return
  fi
  have dockerd || die "no docker daemon answers and dockerd is not installed"
  log "starting dockerd (log: $DOCKERD_LOG)"
  # setsid + nohup: the daemon outlives this script and its caller's terminal.
  as_root setsid nohup dockerd --iptables=false >"$DOCKERD_LOG" 2>&1 </dev/null &
  local deadline=$((SECONDS + DOCKER_READY_TIMEOUT))
  until docker_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within ${DOCKER_READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "dockerd ready"
}

# Prints the first mirror URI of this host's Debian apt sources (deb822 or one-line format).
host_mirror() {
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian mirror in /etc/apt/sources.list{,.d/debian.sources}"
  printf '%s\n' "$uri"
}

# Builds $BASE_IMAGE from a debootstrap'ed minimal bookworm using the host's apt setup.
debootstrap_base() {
  have debootstrap || die "debootstrap missing (install it or make $BASE_IMAGE available)"
  local mirror rootfs
  mirror=$(host_mirror)
  rootfs=$(mktemp -d /var/tmp/onevalue-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "as_root rm -rf '$rootfs' '$rootfs.log'" RETURN
  local steps_log="$rootfs.log"
  log "debootstrap bookworm (minbase) into $rootfs (log: $steps_log)"
  as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$steps_log" 2>&1 ||
    { tail -n 20 "$steps_log" >&2; die "debootstrap failed"; }
  # Use the host's apt sources and settings inside the image so apt-get in Dockerfiles
  # reaches the same mirror the host uses.
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    as_root cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/"
    as_root rm -f "$rootfs/etc/apt/sources.list"
  fi
  if [ -e /etc/apt/apt.conf.d/99artifact-registry ]; then
    as_root cp /etc/apt/apt.conf.d/99artifact-registry "$rootfs/etc/apt/apt.conf.d/"
  fi
  log "upgrading the rootfs from the security suite"
  as_root chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q && apt-get -y -q upgrade && apt-get clean' >>"$steps_log" 2>&1 ||
    { tail -n 20 "$steps_log" >&2; die "apt-get upgrade in the rootfs failed"; }
  as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  log "importing as $BASE_IMAGE"
  as_root tar --numeric-owner -C "$rootfs" -c . |
    docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE present"
    return
  fi
  log "trying docker pull $BASE_IMAGE"
  if timeout "$PULL_TIMEOUT" docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
    log "pulled $BASE_IMAGE"
    return
  fi
  log "no registry reachable; building $BASE_IMAGE locally"
  local start=$SECONDS
  debootstrap_base
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "building $BASE_IMAGE failed"
  log "built $BASE_IMAGE in $((SECONDS - start))s"
}

install_packages
start_daemon
ensure_base_image
