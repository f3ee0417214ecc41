# onevalue node image.
#
#   docker build --network=host --force-rm -t onevalue .
#   docker run --init -e ADVERTISE_ADDR=172.17.0.2 -p 8080:8080 onevalue
#   docker run --init -v "$PWD/node.ini:/etc/onevalue/node.ini:ro" onevalue --config-file=/etc/onevalue/node.ini
#
# With no arguments the node reads /etc/onevalue/default.ini (data dir in the volume,
# everything else default) and takes its address and first seed from ADVERTISE_ADDR and
# CLUSTER_ADDR, as in the original blog's `docker run` lines. Arguments replace that
# default: pass your own --config-file (which should set data-dir = "/var/lib/onevalue")
# and/or --onevalue.KEY=VALUE flags.
#
# Each HTTP connection costs a file descriptor: the node raises its soft limit to the
# hard limit at start, and serves up to limit - 64 connections (max-connections caps
# it at 10,000). Give it room with `docker run --ulimit nofile=20000:20000` (compose:
# `ulimits:` in docker-compose.yml).
#
# `--network=host` is only needed where the daemon runs with --iptables=false (see
# tests/compose/docker_setup.sh); elsewhere a plain `docker build` works.

ARG BASE_IMAGE=debian:bookworm-slim

# ---- builder: Debian's toolchain and -dev packages, builds only the node binary ----
FROM ${BASE_IMAGE} AS builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config \
      libcaf-dev libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libssl-dev \
      prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && make -C /build -j"$(nproc)" onevalue \
 && strip /build/onevalue

# ---- runtime: shared libraries, curl for the health check, the binary ----
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcaf-core0.17 libcaf-io0.17 libspdlog1.10 libcpp-httplib0.11 libssl3 \
      libprometheus-cpp-core1.0 curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 onevalue \
 && useradd --system --uid 10001 --gid onevalue --home-dir /var/lib/onevalue \
      --shell /usr/sbin/nologin onevalue \
 && mkdir -p /var/lib/onevalue /etc/onevalue \
 && chown onevalue:onevalue /var/lib/onevalue
COPY --from=builder /build/onevalue /usr/local/bin/onevalue
COPY config/docker/default.ini /etc/onevalue/default.ini
# Fail the build, not the first `docker run`, when a runtime library is missing.
RUN if ldd /usr/local/bin/onevalue | grep 'not found'; then exit 1; fi

# The volume is declared after the chown so a new named volume starts owned by onevalue.
VOLUME /var/lib/onevalue
WORKDIR /var/lib/onevalue
USER onevalue
# 8080: HTTP API; 7946: cluster traffic (UDP probes/gossip, TCP push-pull).
EXPOSE 8080 7946/tcp 7946/udp
# "healthy" means the node takes writes: /health answers 200 only then, and 503 while
# it has not synchronized with the cluster ("syncing") or when every other member it
# knows has failed ("alone"), so `docker ps`, compose's `service_healthy` and proxies
# that route on container health see whether a write would be taken. Where unhealthy
# containers are restarted (Swarm), check liveness instead, as a restart cures neither
# state: `--health-cmd 'curl -fsS --max-time 2 http://127.0.0.1:8080/health?live'`.
# Checks the default HTTP port; a node configured with another http-port needs its own
# check (e.g. compose `healthcheck:`).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS --max-time 2 http://127.0.0.1:8080/health >/dev/null || exit 1
# SIGTERM makes the node announce its leave and exit 0 within 2 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["onevalue"]
CMD ["--config-file=/etc/onevalue/default.ini"]
