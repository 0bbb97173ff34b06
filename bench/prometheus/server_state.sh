#!/bin/bash
# Issue 12.12: the one-shot runbook check when the server itself evaluates the runbook alerts.
# One Prometheus with the anchors' 10k-series dataset; in ONE run, in interleaved rounds:
#   phase "loaded":   gates/runbook/runbook-alerts.yml in the server's rule_files
#     - aurora-gate check runbook-alerts.yml            (takes the alert states from the server)
#     - the same five expressions as sequential instant queries (bash loop, one curl each)
#     - the same five, one curl process, one kept-alive connection, sequential
#     - aurora-gate check runbook-alerts.yml --replay   (forced replay of `for` from history)
#   phase "unloaded": the rules removed from the server (reload), so `check` replays (the old path)
#     - aurora-gate check runbook-alerts.yml, and the two curl baselines again
#   bench/prometheus/server_state.sh            up + measure + down (~10 min; prints the table)
#   bench/prometheus/server_state.sh up         dataset + Prometheus, kept running
#   bench/prometheus/server_state.sh measure [ROUNDS]   on a running stack (default 30 rounds/phase)
#   bench/prometheus/server_state.sh down
# Knobs: AB [/tmp/pbench12], SERIES [10000], GATE [build/dev/gates/aurora-gate].
# The anchor harness (/work/shared/bench/anchors, read-only) is used by path. Every process is
# started on 127.0.0.1 by PID (own ports) and stopped by that PID.
set -euo pipefail
ME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ME/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/bench/anchors" && pwd)}
export AB=${AB:-/tmp/pbench12} ANCHORS
HERE=$ANCHORS
export HERE
# shellcheck source=/dev/null
. "$ANCHORS/lib.sh"
# shellcheck source=/dev/null
. "$ANCHORS/stack.sh"
PROM_PORT=19490 EXPORTER_PORT=19500 AM_PORT=19493
PROM_URL=http://127.0.0.1:$PROM_PORT
SERIES=${SERIES:-10000}
GATE=${GATE:-$REPO/build/dev/gates/aurora-gate}
R=$AB/results
RULE_FILE=$AB/runbook-alerts.yml
mkdir -p "$R"

# wait_rules N: until the server lists N alerting rules, each evaluated at least once
wait_rules() {
  local n=$1 i
  for i in $(seq 1 300); do
    if curl -sf "$PROM_URL/api/v1/rules?type=alert" | "$PY" -c '
import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
ok = len(rules) == int(sys.argv[1]) and all(not r.get("lastEvaluation", "").startswith("0001") for r in rules)
sys.exit(0 if ok else 1)' "$n"; then return 0; fi
    sleep 0.5
  done
  log "timeout waiting for $n evaluated alerting rules"; return 1
}

up() {
  start_alertmanager
  if [ -s "$AB/ds-$SERIES/t_start" ] && [ -d "$AB/ds-$SERIES/data" ]; then up_dataset "$SERIES"; else prepare_dataset "$SERIES"; fi
  wait_live_window "$SERIES"
  cp "$REPO/gates/runbook/runbook-alerts.yml" "$RULE_FILE"
  log "up: Prometheus $PROM_URL (pid $(pid_of prometheus)); stop with: $0 down"
}

measure() {
  local rounds=${1:-30}
  {
    echo "{"
    echo "  \"aurora-gate\": \"$("$GATE" --version 2>&1 | head -1 | tr -d '\n"')\","
    echo "  \"commit\": \"$(git -C "$REPO" rev-parse --short=12 HEAD)$(git -C "$REPO" diff --quiet HEAD -- . || echo +dirty)\","
    echo "  \"prometheus\": \"$(prometheus --version 2>&1 | head -1 | tr -d '\n"')\","
    echo "  \"nproc\": $(nproc), \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
    echo "}"
  } >"$R/versions.json"
  log "phase loaded: $RULE_FILE in rule_files"
  prom_reload "$RULE_FILE"
  wait_rules 5
  "$PY" "$ME/server_state.py" --phase loaded --rounds "$rounds" --prom-url "$PROM_URL" \
    --gate "$GATE" --rules "$RULE_FILE" --out "$R/loaded.json"
  log "phase unloaded: no rule_files"
  prom_reload ""
  wait_rules 0
  "$PY" "$ME/server_state.py" --phase unloaded --rounds "$rounds" --prom-url "$PROM_URL" \
    --gate "$GATE" --rules "$RULE_FILE" --out "$R/unloaded.json"
  "$PY" "$ME/server_state.py" --summary "$R/versions.json" "$R/loaded.json" "$R/unloaded.json" | tee "$R/summary.md"
}

down() { stop_all; }

main() {
  trap 'stop_all' EXIT INT TERM
  up
  measure "${ROUNDS:-30}"
}

if [ $# -gt 0 ]; then "$@"; else main; fi
