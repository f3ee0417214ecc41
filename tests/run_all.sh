#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (as root), builds onevalue and runs every test:
# unit tests and multi-process tests through ctest, a 100-second chaos soak (root:
# network namespaces), then the docker compose test, plain and again with HTTPS and
# tokens (the image built once).
# Set ONEVALUE_SKIP_COMPOSE=1 to leave out the compose stage (it needs a docker engine,
# which tests/compose/docker_setup.sh installs and starts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/app/install_deps.sh" --test
"$root/app/build.sh"
(cd "$root/build" && ctest --output-on-failure)
"$root/tests/chaos/ci_soak.sh" "$root/build"
if [[ "${ONEVALUE_SKIP_COMPOSE:-0}" != 1 ]]; then
  "$root/tests/compose/compose_test.sh"
  SKIP_BUILD=1 COMPOSE_HTTPS=1 "$root/tests/compose/compose_test.sh"
fi
