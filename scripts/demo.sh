#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and run the runbook's
# pre-deployment gate on the bundled example artifacts (the passing set, then
# the failing set). Exit code: that of the failing-set run is expected to be 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
bin=build/release/gates/aurora-gate
echo "== passing artifacts: ARTIFACTS=examples/artifacts/pass $bin check gates/runbook/predeploy.yaml"
ARTIFACTS=examples/artifacts/pass "$bin" check gates/runbook/predeploy.yaml
echo "exit code: $?"
echo
echo "== failing artifacts: ARTIFACTS=examples/artifacts/fail $bin check gates/runbook/predeploy.yaml"
set +e
ARTIFACTS=examples/artifacts/fail "$bin" check gates/runbook/predeploy.yaml
code=$?
set -e
echo "exit code: $code (1 = the gate failed, as it should on these artifacts)"
[ "$code" -eq 1 ]
echo
echo "== go-live report: ARTIFACTS=examples/artifacts/pass $bin report gates/runbook/predeploy.yaml --html build/golive-demo.html"
ARTIFACTS=examples/artifacts/pass "$bin" report gates/runbook/predeploy.yaml --html build/golive-demo.html >/dev/null
echo "wrote build/golive-demo.html (open it in a browser)"
