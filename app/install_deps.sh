#!/usr/bin/env bash
# Installs what building and testing onevalue needs on Debian 12 (run as root).
# Idempotent: installs only the packages that are missing.
set -euo pipefail

packages=(g++ make cmake pkg-config libcaf-dev libcpp-httplib-dev doctest-dev
          nlohmann-json3-dev libspdlog-dev python3 curl iptables iproute2 clang-tidy
          gnuplot-nox)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
