#!/usr/bin/env bash
# Installs what building onevalue needs on Debian 12 (run as root; ccache makes a
# rebuild, or a second checkout's build, take seconds); with --test also
# what its tests need (doctest, python3, the openssl tool that makes the TLS tests'
# certificates, clang for the fuzz targets and clang-tidy, iptables and iproute2 for the
# network tests, promtool from `prometheus` for the metrics test, chromium, nodejs and npm
# for the cluster page's browser test, whose playwright-core it installs from
# tests/ui/package-lock.json without downloading a browser).
# Idempotent: installs only the packages that are missing.
set -euo pipefail

packages=(g++ make cmake pkg-config libcaf-dev nlohmann-json3-dev libspdlog-dev
          libcpp-httplib-dev libssl-dev prometheus-cpp-dev curl ccache)
if [[ "${1:-}" == --test ]]; then
  packages+=(doctest-dev python3 openssl iptables iproute2 clang-tidy clang-format clang
             libclang-rt-14-dev prometheus chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ "${1:-}" == --test ]]; then
  # Node.js and npm are asked for by command, not by Debian package: a machine may carry
  # another vendor's nodejs package (NodeSource's bundles npm and conflicts with Debian's
  # npm package, so asking apt for `npm` there fails). Any Node.js that runs
  # playwright-core will do.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [[ "${1:-}" == --test ]]; then
  # playwright-core for tests/integration/test_ui_browser.py, at the locked version; it
  # drives Debian's chromium, so no browser is downloaded.
  ui_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/ui" && pwd)"
  if [[ ! -d "$ui_dir/node_modules/playwright-core" ]]; then
    (cd "$ui_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
