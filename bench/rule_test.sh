#!/bin/sh
# `aurora-gate test` speed (issue 17 part 2): wall time of a test file with
# 10 tests (gates/runbook/tests/runbook-alerts.test.yml), engine start
# included, beside `promtool test rules` on the same file. Goal: < 2 s.
# Usage: bench/rule_test.sh [BINARY] [RUNS]   (from the repository root)
set -eu
bin=${1:-build/dev/gates/aurora-gate}
runs=${2:-5}
file=gates/runbook/tests/runbook-alerts.test.yml
ms() { date +%s%3N; }
for tool in aurora promtool; do
  i=0
  while [ "$i" -lt "$runs" ]; do
    start=$(ms)
    if [ "$tool" = aurora ]; then
      "$bin" test "$file" >/dev/null; rc=$?
    else
      promtool test rules "$file" >/dev/null; rc=$?
    fi
    end=$(ms)
    echo "tool=$tool run=$i exit=$rc wall_ms=$((end - start))"
    i=$((i + 1))
  done
done
