#!/usr/bin/env bash
# Configures and builds aurora-gate with a CMake preset (default: release).
#   scripts/build.sh [dev|release|asan|tsan] [-DOPTION=VALUE ...]
# Extra arguments go to the configure step (scripts/test.sh: -DAURORA_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
cmake --preset "$preset" "$@" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
