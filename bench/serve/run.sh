#!/bin/bash
# `aurora-gate serve` speed (issue 16): the runbook stop-conditions gate against one Prometheus with
# the anchors' 10k-series dataset. In ONE run, one after the other (never at once):
#   - serve: POST /api/v1/evaluate {"gates":["stop-conditions"],"set":{...}} with `hey` at
#     concurrency 1, 8, 64 (req/s, p50, p99), CPU of serve and of Prometheus over each window
#   - check: `aurora-gate check stop-conditions.yaml` as one process per request, same set values,
#     at the same concurrencies (client.py: N workers each spawning the process in a loop)
#   - the query time of one check: its AURORA_GATE_TRACE (first send -> last answer), and the five
#     queries alone with curl (keep-alive, sequential), as the floor
#   - soak: serve under load (concurrency 8) for SOAK_SECONDS, VmRSS sampled every 10 s
#   bench/serve/run.sh            up + measure + down
#   bench/serve/run.sh up         dataset + exporter + Prometheus, kept running
#   bench/serve/run.sh measure    the speed table on a running stack (needs `up`)
#   bench/serve/run.sh soak       only the RSS soak (needs `up`)
#   bench/serve/run.sh conns      the 10 000-connection probe (bench/serve/conns.py) against serve
#   bench/serve/run.sh down       stop everything this script started (by PID)
# Knobs: AB [/tmp/sbench], SERIES [10000], DURATION [20] (seconds per load point), SOAK_SECONDS [600],
# CONCURRENCY ["1 8 64"], BUILD [$REPO/build/release], GATE [$BUILD/gates/aurora-gate].
# The anchor harness (/work/shared/bench/anchors, read-only) is used by path (lib.sh/stack.sh:
# start/stop by PID, dataset build). Own ports: Prometheus 19590, exporter 19600, alertmanager 19593,
# serve 19594.
set -euo pipefail
ME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ME/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/bench/anchors" && pwd)}
export AB=${AB:-/tmp/sbench} ANCHORS
HERE=$ANCHORS
export HERE
# shellcheck source=/dev/null
. "$ANCHORS/lib.sh"
# shellcheck source=/dev/null
. "$ANCHORS/stack.sh"
PROM_PORT=19590 EXPORTER_PORT=19600 AM_PORT=19593 SERVE_PORT=19594
PROM_URL=http://127.0.0.1:$PROM_PORT
SERVE_URL=http://127.0.0.1:$SERVE_PORT

SERIES=${SERIES:-10000}
DURATION=${DURATION:-20}
SOAK_SECONDS=${SOAK_SECONDS:-600}
CONCURRENCY=${CONCURRENCY:-"1 8 64"}
BUILD=${BUILD:-$REPO/build/release}
GATE=${GATE:-$BUILD/gates/aurora-gate}
GATE_FILE=$REPO/gates/runbook/stop-conditions.yaml
R=$AB/results
mkdir -p "$R"

up() {
  start_alertmanager
  if [ -s "$AB/ds-$SERIES/t_start" ] && [ -d "$AB/ds-$SERIES/data" ]; then up_dataset "$SERIES"; else prepare_dataset "$SERIES"; fi
  "$PY" "$ANCHORS/gen_rules.py" --series "$SERIES" --n 10 --na "" --out "$AB/rules" >&2
  wait_live_window "$SERIES"
  verify_dataset "$SERIES"
  log "up: Prometheus $PROM_URL (pid $(pid_of prometheus)); stop with: $0 down"
}

down() { stop_all; }

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && return 0
  (cd "$REPO" && cmake --preset release >"$AB/logs/cmake.log" &&
    cmake --build --preset release -j2 --target aurora-gate >"$AB/logs/build.log")
}

# serve_up [EXTRA ARGS]: `aurora-gate serve` on the stop-conditions gate, started by PID
serve_up() {
  bg serve "$GATE" serve --gates "$GATE_FILE" --listen "127.0.0.1:$SERVE_PORT" --prometheus "$PROM_URL" \
    --spool-dir "$AB/spool" "$@"
  wait_http "$SERVE_URL/readyz" 60
}

versions() {
  {
    echo "{"
    echo "  \"aurora-gate\": \"$("$GATE" --version 2>&1 | head -1 | tr -d '\n"')\","
    echo "  \"build\": \"$BUILD ($(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" 2>/dev/null | cut -d= -f2))\","
    echo "  \"commit\": \"$(git -C "$REPO" rev-parse --short=12 HEAD)$(git -C "$REPO" diff --quiet HEAD -- gates base rules queries evaluator reports || echo +dirty)\","
    echo "  \"prometheus\": \"$(prometheus --version 2>&1 | head -1 | tr -d '\n"')\","
    echo "  \"wrk\": \"$(dpkg-query -W -f='${Version}' wrk 2>/dev/null)\","
    echo "  \"kernel\": \"$(uname -r)\", \"nproc\": $(nproc),"
    echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"mem\": \"$(free -m | awk '/Mem:/ {print $2 " MiB"}')\","
    echo "  \"loadavg_at_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
    echo "}"
  } >"$R/versions.json"
  cat "$R/versions.json" >&2
}

# show FILE: the headline figures of one load point, right after the command that produced them
show() {
  "$PY" - "$1" <<'PY' >&2
import json, sys
d = json.load(open(sys.argv[1]))
if d["tool"] == "check-trace":
    print(f"  check x{d['runs']} sequential: query time p50 {d['query_ms']['p50']} ms "
          f"(p99 {d['query_ms']['p99']}), process wall p50 {d['wall_ms']['p50']} ms, exits {d['exit_codes']}")
else:
    l = d["latency_ms"]
    print(f"  {d['tool']}{' shared' if d.get('shared') else ''} c={d['conc']}: {d['rps']} req/s, "
          f"p50 {l.get('50', l.get(50))} ms, p99 {l.get('99', l.get(99))} ms, "
          f"non-2xx {d.get('non_2xx', '-')}, exits {d.get('exit_codes', '-')}, serve {d.get('serve_counts', '-')}, "
          f"CPU cores {d['cpu_cores']}, "
          f"load {' '.join(d['loadavg'])}")
PY
}

# measure: one after the other, never at once: the trace of one check, then per concurrency
# serve (distinct bodies), serve (identical bodies), check per request
measure() {
  local c prom
  build; versions
  prom=$(pid_of prometheus)
  # --request-timeout 120s: the latency of the evaluations themselves (at c=64 they wait longer
  # than the default 8 s deadline, after which serve answers undecided)
  serve_up --max-concurrency 8 --max-queue 256 --request-timeout 120s
  log "warm-up"; "$PY" "$ME/load.py" serve --url "$SERVE_URL" --conc 8 --seconds 5 >/dev/null
  log "one check's query time (AURORA_GATE_TRACE, 30 sequential runs)"
  "$PY" "$ME/load.py" trace --gate "$GATE" --file "$GATE_FILE" --runs 30 -- \
    --prometheus "$PROM_URL" --set AURORA_JOB=aurora-api >"$R/trace.json"; show "$R/trace.json"
  for c in $CONCURRENCY; do
    log "serve c=$c (distinct requests)"
    "$PY" "$ME/load.py" serve --url "$SERVE_URL" --conc "$c" --seconds "$DURATION" \
      --pids "serve=$(pid_of serve),prometheus=$prom" >"$R/serve-c$c.json"; show "$R/serve-c$c.json"
    log "serve c=$c (identical requests: shared evaluations)"
    "$PY" "$ME/load.py" serve --url "$SERVE_URL" --conc "$c" --seconds "$DURATION" --shared \
      --pids "serve=$(pid_of serve),prometheus=$prom" >"$R/serve-shared-c$c.json"; show "$R/serve-shared-c$c.json"
    log "check per request c=$c"
    "$PY" "$ME/load.py" check --gate "$GATE" --file "$GATE_FILE" --conc "$c" --seconds "$DURATION" \
      --pids "prometheus=$prom" -- --prometheus "$PROM_URL" --set AURORA_JOB=aurora-api >"$R/check-c$c.json"
    show "$R/check-c$c.json"
  done
  log "the trace again, after the load"
  "$PY" "$ME/load.py" trace --gate "$GATE" --file "$GATE_FILE" --runs 30 -- \
    --prometheus "$PROM_URL" --set AURORA_JOB=aurora-api >"$R/trace-after.json"; show "$R/trace-after.json"
  stop serve
}

# soak: serve under load (distinct requests, concurrency 8) for SOAK_SECONDS; VmRSS every 10 s
soak() {
  serve_up --max-concurrency 8 --max-queue 256
  log "soak: ${SOAK_SECONDS}s at c=8, VmRSS every 10 s"
  "$PY" "$ME/load.py" soak --url "$SERVE_URL" --conc 8 --seconds "$SOAK_SECONDS" --pid "$(pid_of serve)" \
    --every 10 >"$R/soak.json"
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  soak:", d["requests"], "requests,", d["rps"], "req/s, non-2xx", d["non_2xx"], ", VmRSS KiB", d["rss_kib"])' "$R/soak.json" >&2
  stop serve
}

# conns: 10 000 idle, then 10 000 slowloris connections held against serve; /healthz timed throughout
conns() {
  local mode
  serve_up ${CONNS_ARGS:-}
  for mode in idle slowloris none; do
    log "conns: ${CONNS:-10000} $mode connections for ${CONNS_SECONDS:-30}s (serve ${CONNS_ARGS:-defaults})"
    # none: the same probes with no connection held (the machine's own latency tail)
    "$PY" "$ME/conns.py" --port "$SERVE_PORT" --pid "$(pid_of serve)" \
      --conns "$([ "$mode" = none ] && echo 0 || echo "${CONNS:-10000}")" \
      --mode "$([ "$mode" = none ] && echo idle || echo "$mode")" \
      --seconds "${CONNS_SECONDS:-30}" >"$R/conns-$mode.json" || true
    cat "$R/conns-$mode.json" >&2
  done
  stop serve
}

report() { "$PY" "$ME/report.py" "$R" >"$R/section.md" && cat "$R/section.md"; }

case "${1:-all}" in
  up) up ;;
  measure) measure ;;
  soak) soak ;;
  conns) conns ;;
  report) report ;;
  down) down ;;
  all) trap 'stop_all' EXIT INT TERM; build; up; measure; soak; conns; report ;;
  *) echo "usage: $0 [all|up|measure|soak|conns|down]" >&2; exit 2 ;;
esac
