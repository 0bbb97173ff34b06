#!/bin/bash
# `aurora-gate backtest` side by side with `vmalert -replay` (issue 17 part 1), in ONE run against
# one Prometheus holding the anchors' 10k-series dataset (6 h of backfilled history), over the same
# generated rule files (a Prometheus alert file is a valid gate file):
#   bench/backtest/run.sh            up + measure + down (~15 min on 2 cores)
#   bench/backtest/run.sh up         build the dataset, leave exporter/Prometheus running
#   bench/backtest/run.sh measure    the interleaved runs against the running Prometheus (needs `up`)
#   bench/backtest/run.sh points     the points each tool's reads return, counted by points.py
#   bench/backtest/run.sh report     rebuild $AB/results/section.md from the raw files
#   bench/backtest/run.sh results    write it (+ bench/backtest/NOTES.md) as the backtest section
#                                    of bench/RESULTS.md
#   bench/backtest/run.sh down       stop everything this script started (by PID)
# The anchor harness (/work/shared/bench/anchors, read-only) is used by path: lib.sh/stack.sh are
# sourced (start/stop by PID, dataset build), gen_rules.py runs from there. The vmalert command is
# the anchors' `bench_replay` one (victoria-metrics as the remote-write sink, -replay.rulesDelay=0).
# Spans lie inside the backfilled history: 1 h = [T-70m, T-10m] as the anchors' replay, and a long
# span of 5 h 30 m = [T-5h40m, T-10m] (T = the dataset's start of live scrapes).
# Each run: `/usr/bin/time -v` (wall, user+sys CPU, max RSS) and Prometheus' own counters before and
# after (range queries served, its engine's evaluation time, its CPU), so both tools' reads compare.
# Knobs: AB [/tmp/bbench], SERIES [10000], REPS [5] (interleaved pairs at n1000 / 1 h),
# BUILD [$REPO/build/release], SKIP_BUILD=1, CONCURRENCY [8] (aurora-gate --max-concurrency), BACKTEST_PROM_PORT
# [19690] (19390: measure against the Prometheus `bench/watch/run.sh up` left on the same dataset).
set -euo pipefail
ME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ME/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/bench/anchors" && pwd)}
export AB=${AB:-/tmp/bbench} ANCHORS
HERE=$ANCHORS
export HERE
# shellcheck source=/dev/null
. "$ANCHORS/lib.sh"
# shellcheck source=/dev/null
. "$ANCHORS/stack.sh"
# own ports (other benchmarks run at the same time on theirs); stack.sh reads these at call time
PROM_PORT=${BACKTEST_PROM_PORT:-19690} EXPORTER_PORT=19700 AM_PORT=19693 VM_PORT=19698
PROM_URL=http://127.0.0.1:$PROM_PORT

SERIES=${SERIES:-10000}
REPS=${REPS:-5}
CONCURRENCY=${CONCURRENCY:-8}
BUILD=${BUILD:-$REPO/build/release}
GATE=$BUILD/gates/aurora-gate
R=$AB/results
RULES=$AB/rules
mkdir -p "$R"

stage() { local n=$1; shift; log "== $n"; "$@" || log "!! stage $n failed ($?)"; }

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && return 0
  (cd "$REPO" && cmake --preset release >"$AB/logs/cmake.log" &&
    cmake --build --preset release -j2 --target aurora-gate >"$AB/logs/build.log")
}

rules() {
  "$PY" "$ANCHORS/gen_rules.py" --series "$SERIES" --n 100,1000 --na "" --out "$RULES" >&2
}

up() {
  stop_all
  rules
  prepare_dataset "$SERIES"   # the spans measured lie in the backfilled history: no live wait
}

versions() {
  {
    echo "{"
    dpkg-query -W -f='  "${Package}": "${Version}",\n' prometheus victoria-metrics 2>/dev/null
    echo "  \"aurora-gate\": \"$("$GATE" --version 2>&1 | head -1 | tr -d '\n"')\","
    echo "  \"git\": \"$(git -C "$REPO" rev-parse --short=12 HEAD)$(git -C "$REPO" diff --quiet HEAD -- . || echo '+dirty')\","
    echo "  \"kernel\": \"$(uname -r)\", \"nproc\": $(nproc),"
    echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"mem\": \"$(free -m | awk '/Mem:/ {print $2 " MiB"}')\","
    echo "  \"loadavg_at_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
    echo "}"
  } >"$R/versions.json"
}

# span NAME -> "FROM TO" (RFC 3339) inside the backfilled history
span() {
  local t; t=$(cat "$AB/ds-$SERIES/t_start")
  case $1 in
    1h) echo "$(date -u -d "@$((t - 4200))" +%Y-%m-%dT%H:%M:%SZ) $(date -u -d "@$((t - 600))" +%Y-%m-%dT%H:%M:%SZ)" ;;
    5h30m) echo "$(date -u -d "@$((t - 20400))" +%Y-%m-%dT%H:%M:%SZ) $(date -u -d "@$((t - 600))" +%Y-%m-%dT%H:%M:%SZ)" ;;
  esac
}

# prom_counters FILE: Prometheus' range queries served, its engine's evaluation seconds (inner_eval), its CPU
# seconds (2.42 has no samples-loaded counter)
prom_counters() {
  curl -sf "$PROM_URL/metrics" | awk '
    /^prometheus_http_requests_total\{.*handler="\/api\/v1\/query_range"/ { q += $NF }
    /^prometheus_engine_query_duration_seconds_sum\{slice="inner_eval"\}/ { e = $NF }
    /^process_cpu_seconds_total / { c = $NF }
    END { printf "{\"range_queries\": %d, \"engine_eval_s\": %s, \"cpu_s\": %s}\n", q, e, c }' >"$1"
}

# one TOOL SET SPAN TAG: one timed run; raw files $R/TOOL-SET-SPAN-TAG.{timev,log,prom0,prom1}
one() {
  local tool=$1 set=$2 sp=$3 tag=$4 from to base
  read -r from to <<<"$(span "$sp")"
  base=$R/$tool-$set-$sp-$tag
  prom_counters "$base.prom0"
  cut -d' ' -f1-3 /proc/loadavg >"$base.load"
  case $tool in
    vmalert|vmalert15)
      # vmalert15: the same with -datasource.queryStep=15s. vmalert's default queryStep (5m) is the
      # step of its replay reads: the anchors' command replays at one evaluation per 5 minutes,
      # 1/20 of the 15 s steps aurora-gate evaluates; vmalert15 evaluates the same steps.
      local qs=(); [ "$tool" = vmalert15 ] && qs=(-datasource.queryStep=15s)
      /usr/bin/time -v -o "$base.timev" vmalert -rule="$RULES/$set.yml" -datasource.url="$PROM_URL" \
        "${qs[@]}" -remoteWrite.url="http://127.0.0.1:$VM_PORT" -evaluationInterval=15s \
        -replay.timeFrom="$from" -replay.timeTo="$to" -replay.rulesDelay=0 -replay.disableProgressBar \
        -loggerLevel=INFO >"$base.log" 2>&1 || log "vmalert $set $sp $tag exited $? (see $base.log)"
      ;;
    aurora)
      # tag "trace": AURORA_GATE_TRACE=1 (timings and points read, on stderr); not in the medians
      local trace=(); [ "$tag" = trace ] && trace=(AURORA_GATE_TRACE=1)
      env "${trace[@]}" /usr/bin/time -v -o "$base.timev" "$GATE" backtest "$RULES/$set.yml" --prometheus "$PROM_URL" \
        --from "$from" --to "$to" --step 15s --max-concurrency "$CONCURRENCY" --json "$base.json" \
        >"$base.log" 2>&1 || true   # exit 1 = an incident would have opened: expected here
      ;;
  esac
  prom_counters "$base.prom1"
  log "$tool $set $sp $tag: $(grep -E 'Elapsed|Maximum resident' "$base.timev" | sed 's/^\s*//' | tr '\n' ' ')"
}

# RUNS: TOOL:SET:SPAN:TAG, one after the other (never at once), the pairs interleaved both ways;
# TOOL: aurora, vmalert (the anchors' command), vmalert15 (the same with -datasource.queryStep=15s)
default_runs() {
  # warm-up pair (page cache, Prometheus' chunks), then one traced aurora-gate run (points read)
  local i runs="vmalert:n1000:1h:w aurora:n1000:1h:w aurora:n1000:1h:trace"
  for i in $(seq 1 "$REPS"); do
    if [ $((i % 2)) = 1 ]; then runs="$runs vmalert:n1000:1h:r$i aurora:n1000:1h:r$i vmalert15:n1000:1h:r$i"
    else runs="$runs vmalert15:n1000:1h:r$i aurora:n1000:1h:r$i vmalert:n1000:1h:r$i"; fi
  done
  echo "$runs aurora:n100:1h:r1 vmalert:n100:1h:r1 aurora:n100:1h:r2 vmalert:n100:1h:r2" \
    "aurora:n1000:5h30m:r1 vmalert:n1000:5h30m:r1 vmalert15:n1000:5h30m:r1 aurora:n1000:5h30m:r2" \
    "vmalert:n1000:5h30m:r2"
}
RUNS=${RUNS:-$(default_runs)}

measure() {
  local t0 run tool set sp tag; t0=$(date +%s)
  build; versions
  rm -rf "$AB/vm"; mkdir -p "$AB/vm"
  bg victoria-metrics victoria-metrics -storageDataPath="$AB/vm/data" -httpListenAddr="127.0.0.1:$VM_PORT" \
    -retentionPeriod=100y
  wait_http "http://127.0.0.1:$VM_PORT/health" 60
  for run in $RUNS; do
    IFS=: read -r tool set sp tag <<<"$run"
    stage "$tool-$set-$sp-$tag" one "$tool" "$set" "$sp" "$tag"
  done
  stop victoria-metrics
  stage points points
  cut -d' ' -f1-3 /proc/loadavg >"$R/loadavg_at_end"
  echo "$(git -C "$REPO" log -1 --format='%h %s' | cut -c1-90)" >"$R/build.txt"
  echo "$(( $(date +%s) - t0 ))" >"$R/run_seconds"
  stage report report
  log "done in $(cat "$R/run_seconds") s: $R"
}

# points: the series/points of each tool's reads of n1000 over 1 h, counted by python (points.py)
points() {
  local from to; read -r from to <<<"$(span 1h)"
  "$PY" "$ME/points.py" "$PROM_URL" "$RULES/n1000.tsv" "$RULES/n1000.yml" "$from" "$to" >"$R/points-n1000-1h.json"
}

report() { "$PY" "$ME/report.py" "$R" "$(span 1h)" "$(span 5h30m)" >"$R/section.md" && log "report: $R/section.md"; }

# results: the backtest section of bench/RESULTS.md := section.md + bench/backtest/NOTES.md
results() {
  "$PY" - "$REPO/bench/RESULTS.md" "$R/section.md" "$ME/NOTES.md" <<'PY'
import os, sys
path, section, notes = sys.argv[1:4]
new = open(section).read().rstrip("\n") + "\n"
if os.path.exists(notes):
    new += "\n" + open(notes).read().rstrip("\n") + "\n"
old = open(path).read() if os.path.exists(path) else ""
i = old.find("\n## backtest (issue 17 part 1)")
if i < 0:
    out = old.rstrip("\n") + "\n\n" + new
else:
    j = old.find("\n## ", i + 1)
    out = old[:i + 1] + new + (old[j:] if j >= 0 else "")
open(path, "w").write(out)
PY
}

case "${1:-all}" in
  up) up ;;
  measure) measure ;;
  points) points ;;
  report) report ;;
  results) results ;;
  down) stop_all ;;
  all) trap 'stop_all' EXIT INT TERM; build; up; measure ;;
  *) echo "usage: $0 [all|up|measure|report|results|down]" >&2; exit 2 ;;
esac
