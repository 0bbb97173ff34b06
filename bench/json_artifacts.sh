#!/usr/bin/env bash
# bench/json_artifacts.sh: issue 13's speed benchmark (100 MB SARIF, 50,000-mutant
# Stryker report) — aurora-gate's readers vs python3 json, side by side in one run;
# writes the "## Large JSON artifacts" section of bench/RESULTS.md. ~2 min.
#   bench/json_artifacts.sh            # 5 runs per tool
#   RUNS=3 bench/json_artifacts.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build/bench}
SCRATCH=${SCRATCH:-/tmp/aurora-bench}
mkdir -p "$SCRATCH"
echo "\$ cmake -S $REPO -B $BUILD -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD --target parse_bench"
timeout 120 cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
timeout 900 cmake --build "$BUILD" -j"$(nproc)" --target parse_bench >/dev/null
timeout 1800 python3 "$REPO/bench/json_artifacts.py" "$BUILD/bench/parse_bench" "$SCRATCH" \
  "$REPO/bench/RESULTS.md" "${RUNS:-5}"
