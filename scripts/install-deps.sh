#!/usr/bin/env bash
# Installs every Debian 12 package aurora-gate needs to build (no argument), test
# (--test) and benchmark (--bench).
# The one list of dependencies: README's quick-start commands and .ci/run both call this.
# Installs only what is missing, so it is fast on a prepared machine.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake pkg-config git
  prometheus-cpp-dev libcurl4-openssl-dev rapidjson-dev libyaml-cpp-dev
  libboost-program-options-dev libabsl-dev libgtest-dev libgmock-dev
  libpugixml-dev libre2-dev libssl-dev libsodium-dev zlib1g-dev
  help2man   # man pages from --help, at build time (packaging/CMakeLists.txt)
)
# Real components and checkers used by the test suite.
TEST_PKGS=(
  libxml2-utils python3 python3-jsonschema curl jq chromium
  openssl   # test CAs and certificates (serve TLS, HTTPS sources)
  prometheus prometheus-alertmanager prometheus-pushgateway victoria-metrics
  man-db systemd   # the package test: man -l, systemd-analyze verify
)

# The benchmarks in bench/ (the anchors' harness and the peer tools beside ours).
BENCH_PKGS=(
  hyperfine jq curl python3-requests python3-numpy wrk
  linux-perf valgrind   # profiles behind bench/*/NOTES.md
)

want=("${BUILD_PKGS[@]}")
case "${1:-}" in
  --test) want+=("${TEST_PKGS[@]}") ;;
  --bench) want+=("${TEST_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends keeps services' optional extras out; policy-rc.d may
  # forbid starting system services, which is fine: tests start their own.
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
