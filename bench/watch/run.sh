#!/bin/bash
# `aurora-gate watch` side by side with vmalert (issue 4), in ONE run against one Prometheus holding
# the anchors' 10k-series dataset and the same generated N-rule files:
#   bench/watch/run.sh            up + measure + down (~40 min on 2 cores)
#   bench/watch/run.sh up         build the dataset, leave exporter/Prometheus/alertmanager running
#   bench/watch/run.sh reup       restart exporter/Prometheus/alertmanager on the dataset `up` built
#                                 (history kept, live head restarts), then wait 6 min of live scrapes
#   bench/watch/run.sh measure    the measurements against the running servers (needs `up` first)
#   bench/watch/run.sh soak       only the 10-minute soak (needs `up`)
#   bench/watch/run.sh report     rebuild $AB/results/section.md from the raw JSON
#   bench/watch/run.sh results    write it (+ bench/watch/NOTES.md) as "## watch" in bench/RESULTS.md
#   bench/watch/run.sh down       stop everything this script started (by PID)
# The anchor harness (/work/shared/bench/anchors, read-only) is used by path: lib.sh/stack.sh are
# sourced (start/stop by PID, dataset build), gen_rules.py and measure.py (baseline mode) run from there.
# vmalert and aurora-gate run one after the other (never at once), each for the same number of
# cycles at the same interval; per cycle: cycle time from each tool's own /metrics, CPU from
# /proc/PID/stat deltas over the window, Prometheus' CPU above its scrape-only baseline, RSS, fds.
# Knobs: AB [/tmp/wbench], SERIES [10000], CYCLES [6], INTERVAL [15] (seconds, N=1000 and N=5000),
# SOAK_SECONDS [600], SOAK_INTERVAL [1], RUNS (see measure), NEW_BASELINE=1 (measure the
# scrape-only baseline again although $R/baseline.json exists), BUILD [$REPO/build/release], SKIP_BUILD=1.
set -euo pipefail
ME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ME/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/bench/anchors" && pwd)}
export AB=${AB:-/tmp/wbench} ANCHORS
HERE=$ANCHORS
export HERE
# shellcheck source=/dev/null
. "$ANCHORS/lib.sh"
# shellcheck source=/dev/null
. "$ANCHORS/stack.sh"
# own ports (the anchors' and bench/prometheus' runs can coexist); stack.sh reads these at call time
PROM_PORT=19390 EXPORTER_PORT=19400 AM_PORT=19393 VMALERT_PORT=18990 WATCH_PORT=19464
PROM_URL=http://127.0.0.1:$PROM_PORT

SERIES=${SERIES:-10000}
CYCLES=${CYCLES:-6}
INTERVAL=${INTERVAL:-15}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_INTERVAL=${SOAK_INTERVAL:-1}
BUILD=${BUILD:-$REPO/build/release}
GATE=$BUILD/gates/aurora-gate
R=$AB/results
RULES=$AB/rules
mkdir -p "$R"

stage() { local n=$1; shift; log "== $n"; "$@" || log "!! stage $n failed ($?)"; }

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && return 0
  (cd "$REPO" && cmake --preset release >"$AB/logs/cmake.log" && cmake --build build/release -j2 --target aurora-gate >"$AB/logs/build.log")
}

rules() {
  "$PY" "$ANCHORS/gen_rules.py" --series "$SERIES" --n 1000,5000 --na "" --out "$RULES" >&2
}

up() {
  stop_all
  rules
  start_alertmanager
  prepare_dataset "$SERIES"
  wait_live_window "$SERIES"
  verify_dataset "$SERIES"
}

reup() {  # the dataset of an earlier `up`, servers restarted; rate(...[5m]) sees live data only after 6 min
  stop_all
  rules
  start_alertmanager
  up_dataset "$SERIES"
  log "waiting 360s for a full 5m window of live data after the restart"
  sleep 360
  verify_dataset "$SERIES"
}

versions() {
  {
    echo "{"
    dpkg-query -W -f='  "${Package}": "${Version}",\n' prometheus victoria-metrics prometheus-alertmanager 2>/dev/null
    echo "  \"aurora-gate\": \"$("$GATE" --version 2>&1 | tr -d '\n"')\","
    echo "  \"git\": \"$(git -C "$REPO" rev-parse --short=12 HEAD)$(git -C "$REPO" diff --quiet HEAD -- . || echo '+dirty')\","
    echo "  \"kernel\": \"$(uname -r)\", \"nproc\": $(nproc),"
    echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"mem\": \"$(free -m | awk '/Mem:/ {print $2 " MiB"}')\","
    echo "  \"loadavg_at_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
    echo "}"
  } >"$R/versions.json"
}

baseline() {  # Prometheus CPU while it only scrapes (subtracted from both evaluators' windows)
  "$PY" "$ANCHORS/measure.py" --mode baseline --label "baseline-$SERIES" --prom-url "$PROM_URL" \
    --prom-pid "$(pid_of prometheus)" --seconds 60 >"$R/baseline.json"
}

# run_vmalert SET TAG: vmalert with -evaluationInterval=$INTERVAL, CYCLES cycles after 2 warm-up cycles
run_vmalert() {
  local set=$1 tag=$2
  bg vmalert vmalert -rule="$RULES/$set.yml" -datasource.url="$PROM_URL" \
    -notifier.url="http://127.0.0.1:$AM_PORT" -evaluationInterval="${INTERVAL}s" \
    -httpListenAddr="127.0.0.1:$VMALERT_PORT" -loggerLevel=WARN
  wait_http "http://127.0.0.1:$VMALERT_PORT/metrics" 120
  "$PY" "$ME/measure.py" --mode vmalert --label "vmalert-$set" --prom-url "$PROM_URL" \
    --eval-url "http://127.0.0.1:$VMALERT_PORT" --prom-pid "$(pid_of prometheus)" \
    --eval-pid "$(pid_of vmalert)" --interval "$INTERVAL" --cycles "$CYCLES" \
    --baseline "$R/baseline.json" >"$R/vmalert-$set-$tag.json" || true
  stop vmalert
  log "vmalert $set ($tag): $(grep -E '"cycle_mean_s"|"eval_cpu_s_per_cycle"' "$R/vmalert-$set-$tag.json" | tr -d '\n ')"
  sleep 5
}

# run_aurora SET TAG: `aurora-gate watch` at the same interval, measured the same way
run_aurora() {
  local set=$1 tag=$2
  bg aurora "$GATE" watch "$RULES/$set.yml" --prometheus "$PROM_URL" --interval "${INTERVAL}s" \
    --duration 2h --listen "127.0.0.1:$WATCH_PORT" --spool-dir "$AB/spool"
  wait_http "http://127.0.0.1:$WATCH_PORT/metrics" 120
  "$PY" "$ME/measure.py" --mode aurora --label "aurora-$set" --prom-url "$PROM_URL" \
    --eval-url "http://127.0.0.1:$WATCH_PORT" --prom-pid "$(pid_of prometheus)" \
    --eval-pid "$(pid_of aurora)" --interval "$INTERVAL" --cycles "$CYCLES" \
    --baseline "$R/baseline.json" >"$R/aurora-$set-$tag.json" || true
  stop aurora
  echo "$(git -C "$REPO" log -1 --format='%h %s' | cut -c1-90)" >"$R/build-aurora-$set-$tag.txt"
  log "aurora $set ($tag): $(grep -E '"cycle_mean_s"|"eval_cpu_s_per_cycle"' "$R/aurora-$set-$tag.json" | tr -d '\n ')"
  sleep 5
}

# soak: aurora-gate watch, 1000 rules, 1 s interval; 60 s warm-up, then SOAK_SECONDS
soak() {
  : >"$AB/logs/soak.log"
  nohup "$GATE" watch "$RULES/n1000.yml" --prometheus "$PROM_URL" --interval "${SOAK_INTERVAL}s" \
    --duration 3h --listen "127.0.0.1:$WATCH_PORT" --spool-dir "$AB/spool" >>"$AB/logs/soak.log" 2>&1 &
  echo $! >"$AB/pids/soak.pid"
  wait_http "http://127.0.0.1:$WATCH_PORT/metrics" 120
  "$PY" "$ME/measure.py" --mode soak --label "soak-n1000-${SOAK_INTERVAL}s" --prom-url "$PROM_URL" \
    --eval-url "http://127.0.0.1:$WATCH_PORT" --prom-pid "$(pid_of prometheus)" \
    --eval-pid "$(pid_of soak)" --interval "$SOAK_INTERVAL" --warmup-seconds 60 \
    --seconds "$SOAK_SECONDS" --baseline "$R/baseline.json" --max-wait $((SOAK_SECONDS + 300)) \
    >"$R/soak.json" || true
  stop soak
  echo "$(git -C "$REPO" log -1 --format='%h %s' | cut -c1-90)" >"$R/build-soak.txt"
  grep -c "evaluation cycle overran the interval" "$AB/logs/soak.log" >"$R/soak-overrun-lines" || true
  log "soak: $(grep -E '"cycles"|"missed_cycles_window"|"eval_rss_growth_bytes"|"eval_fds_' "$R/soak.json" | tr -d '\n ')"
}

profile() {  # where aurora-gate's CPU goes in watch at N=1000 (perf, 6 cycles)
  bg aurora "$GATE" watch "$RULES/n1000.yml" --prometheus "$PROM_URL" --interval "${INTERVAL}s" \
    --duration 2h --listen "127.0.0.1:$WATCH_PORT" --spool-dir "$AB/spool"
  wait_http "http://127.0.0.1:$WATCH_PORT/metrics" 120
  sleep $((2 * INTERVAL))
  perf record -F 999 -g -p "$(pid_of aurora)" -o "$AB/perf-watch.data" -- sleep $((6 * INTERVAL)) \
    >"$AB/logs/perf.log" 2>&1 || true
  stop aurora
  perf report -i "$AB/perf-watch.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed -n 1,40p >"$R/perf-watch-sym.txt" || true
}

report() { "$PY" "$ME/report.py" "$R" >"$R/section.md" && log "report: $R/section.md"; }

# results: the "## watch" section of bench/RESULTS.md := section.md + bench/watch/NOTES.md
# (hand-written findings); every other section is kept as it is.
results() {
  "$PY" - "$REPO/bench/RESULTS.md" "$R/section.md" "$ME/NOTES.md" <<'PY'
import os, sys
path, section, notes = sys.argv[1:4]
new = open(section).read().rstrip("\n") + "\n"
if os.path.exists(notes):
    new += "\n" + open(notes).read().rstrip("\n") + "\n"
old = open(path).read() if os.path.exists(path) else ""
i = old.find("\n## watch\n")
if i < 0:
    out = old.rstrip("\n") + "\n\n" + new
else:
    j = old.find("\n## ", i + 1)
    out = old[:i + 1] + new + (old[j:] if j >= 0 else "")
open(path, "w").write(out)
PY
}

# RUNS: what `measure` runs, in order, one after the other (never at once); the repeat is
# interleaved the other way round. TOOL:SET:TAG, or "soak".
RUNS=${RUNS:-"vmalert:n1000:r1 aurora:n1000:r1 aurora:n1000:r2 vmalert:n1000:r2 vmalert:n5000:r1 aurora:n5000:r1 soak"}

measure() {
  local t0 run tool set tag; t0=$(date +%s)
  build; versions
  [ -s "$R/baseline.json" ] && [ "${NEW_BASELINE:-0}" != 1 ] || stage baseline baseline
  for run in $RUNS; do
    if [ "$run" = soak ]; then stage soak soak; continue; fi
    IFS=: read -r tool set tag <<<"$run"
    stage "$tool-$set-$tag" "run_$tool" "$set" "$tag"
  done
  echo "$(( $(date +%s) - t0 ))" >"$R/run_seconds"
  stage report report
  log "done in $(cat "$R/run_seconds") s: $R"
}

case "${1:-all}" in
  up) up ;;
  reup) reup ;;
  measure) measure ;;
  soak) soak ;;
  profile) profile ;;
  report) report ;;
  results) results ;;
  down) stop_all ;;
  all) trap 'stop_all' EXIT INT TERM; build; up; measure ;;
  *) echo "usage: $0 [all|up|reup|measure|soak|profile|report|results|down]" >&2; exit 2 ;;
esac
