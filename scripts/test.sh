#!/usr/bin/env bash
# Quick start, part 2: install what is missing (test tools included), build,
# and run the whole test suite: the dev build, then the ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
for preset in dev asan; do
  echo "== build and test: preset $preset"
  scripts/build.sh "$preset"
  ctest --preset "$preset" -j"$(nproc)"
done
