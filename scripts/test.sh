#!/usr/bin/env bash
# Quick start, part 2: install what is missing (test tools included), build,
# and run the whole test suite: the dev build, then the ASan+UBSan build;
# then Quick start part 1 (scripts/demo.sh, the release build) and the
# release .deb, installed into a throw-away root. The README's other commands
# are run by the dev suite (tests/e2e/readme_commands_e2e_test.cc).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
for preset in dev asan; do
  echo "== build and test: preset $preset"
  scripts/build.sh "$preset" -DAURORA_WERROR=ON
  ctest --preset "$preset" -j"$(nproc)"
done
echo "== quick start: scripts/demo.sh"
scripts/demo.sh
echo "== package: cmake --build --preset release --target package"
cmake --build --preset release --target package
tests/package/deb_package_test.sh build/release . "$(ls -t build/release/aurora-gate_*.deb | head -1)"
