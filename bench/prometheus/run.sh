#!/bin/bash
# aurora-gate against live Prometheus, side by side with the anchor baselines (issue 3), in ONE run:
# one Prometheus with the anchors' 10k-series dataset, then the anchors' query floor, the
# bash+curl+jq gate and vmalert, and aurora-gate `check --prometheus` on the same rule files.
#   bench/prometheus/run.sh            everything (~25 min on 2 cores), raw JSON in $AB/results
#   bench/prometheus/run.sh report     rebuild $AB/results/section.md from the raw JSON
#   bench/prometheus/run.sh up; bench/prometheus/run.sh r1 [ROUNDS]; bench/prometheus/run.sh down
#                                      R1 alone, repeatable on a kept-running stack (prints it)
# The anchor harness (/work/shared/bench/anchors, read-only) is used by path: lib.sh/stack.sh are
# sourced (start/stop by PID, dataset build), its python scripts are run from there.
# Knobs: AB [/tmp/pbench], SERIES [10000], CYCLES [3] (vmalert cycles per window), REPS [10]
# (per query floor), GATE_RUNS [10], CONC_LIST ["1 2 4 16 32"] (extra --max-concurrency values),
# BUILD [/work/main/build/pbench], ANCHORS, SKIP_BUILD=1.
# Every process is started on 127.0.0.1 by PID (own ports, so an anchor run can coexist) and stopped
# by that PID on exit, also on error or Ctrl-C.
set -euo pipefail
ME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$ME/../.." && pwd)
ANCHORS=${ANCHORS:-$(cd "$REPO/../shared/bench/anchors" && pwd)}
export AB=${AB:-/tmp/pbench} ANCHORS
HERE=$ANCHORS
export HERE
# shellcheck source=/dev/null
. "$ANCHORS/lib.sh"
# shellcheck source=/dev/null
. "$ANCHORS/stack.sh"
# own ports (lib.sh's defaults are the anchor run's); stack.sh reads these at call time
PROM_PORT=19290 EXPORTER_PORT=19300 AM_PORT=19293 VMALERT_PORT=18980 PROXY_PORT=19299
PROM_URL=http://127.0.0.1:$PROM_PORT

SERIES=${SERIES:-10000}
CYCLES=${CYCLES:-3}
REPS=${REPS:-10}
GATE_RUNS=${GATE_RUNS:-10}
CONC_LIST=${CONC_LIST:-"1 2 4 16 32"}
BUILD=${BUILD:-$REPO/build/pbench}
GATE=$BUILD/gates/aurora-gate
R=$AB/results
RULES=$AB/rules
mkdir -p "$R"
# `run.sh up` leaves the stack running (stop it with `run.sh down`), `run.sh r1` uses it;
# everything else stops it on exit
case "${1:-}" in up|r1|nsets) ;; *) trap 'stop_all' EXIT INT TERM ;; esac

# stage NAME CMD...: run one measurement; a failure is logged and the run goes on
stage() { local n=$1; shift; log "== $n"; "$@" || log "!! stage $n failed ($?)"; }

build() {
  [ "${SKIP_BUILD:-0}" = 1 ] && return 0
  cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DAURORA_BUILD_TESTS=OFF -DAURORA_STATIC_DEPS=${STATIC_DEPS:-ON} >"$AB/logs/cmake.log"
  cmake --build "$BUILD" -j2 --target aurora-gate >"$AB/logs/build.log"
}

versions() {
  {
    echo "{"
    dpkg-query -W -f='  "${Package}": "${Version}",\n' prometheus victoria-metrics prometheus-alertmanager hyperfine jq curl libcurl4 python3 linux-perf 2>/dev/null
    echo "  \"aurora-gate\": \"$("$GATE" --version 2>&1 | tr -d '\n"')\","
    echo "  \"kernel\": \"$(uname -r)\", \"nproc\": $(nproc),"
    echo "  \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"loadavg_at_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\""
    echo "}"
  } >"$R/versions.json"
}

rules() {
  "$PY" "$ANCHORS/gen_rules.py" --series "$SERIES" --n 100,1000 --na "" --out "$RULES" >&2
  local n
  for n in 100 1000; do  # one-shot sets without `for` (instant queries); same YAML otherwise
    grep -v '^        for: ' "$RULES/n$n.yml" >"$RULES/n${n}nofor.yml"
    cp "$RULES/n$n.tsv" "$RULES/n${n}nofor.tsv"
  done
}

baseline() {
  "$PY" "$ANCHORS/measure.py" --mode baseline --label "baseline-$SERIES" --prom-url "$PROM_URL" \
    --prom-pid "$(pid_of prometheus)" --seconds 60 >"$R/baseline.json"
}

floor() {  # the anchors' floor: runbook expressions alone (curl, keep-alive, stats=all), sequential sets
  "$PY" "$ANCHORS/floor.py" --url "$PROM_URL" --tsv "$RULES/runbook.tsv" --reps "$REPS" >"$R/floor-runbook.json"
  "$PY" "$ANCHORS/floor.py" --url "$PROM_URL" --tsv "$RULES/runbook.tsv" --reps 10 --sequential >"$R/seqfloor-runbook.json"
  "$PY" "$ANCHORS/floor.py" --url "$PROM_URL" --tsv "$RULES/n100.tsv" --reps 5 --sequential >"$R/seqfloor-n100.json"
  "$PY" "$ANCHORS/floor.py" --url "$PROM_URL" --tsv "$RULES/n1000.tsv" --reps 2 --sequential >"$R/seqfloor-n1000.json"
}

# capture: what aurora-gate sends, logged by a loopback proxy (one run per set, not timed),
# plus its JSON report (rule outcomes, `query` fields)
capture() {
  local set
  for set in runbook n100nofor n1000nofor n1000; do
    rm -f "$R/requests-$set.jsonl"
    bg proxy "$PY" "$ME/logproxy.py" "$PROXY_PORT" "$PROM_URL" "$R/requests-$set.jsonl"
    sleep 1
    "$GATE" check "$RULES/$set.yml" --prometheus "http://127.0.0.1:$PROXY_PORT" --json "$R/report-$set.json" \
      >"$R/table-$set.txt" 2>&1 || echo "exit $?" >>"$R/table-$set.txt"
    stop proxy
    log "$set: $(wc -l <"$R/requests-$set.jsonl") requests, $(tail -1 "$R/table-$set.txt")"
  done
}

alone() {  # each runbook request aurora-gate sends, timed alone with curl (+ stats=all)
  "$PY" "$ME/queries_alone.py" "$R/requests-runbook.jsonl" "$PROM_URL" "$REPS" >"$R/alone-runbook.json"
}

gate() {  # gate SET LABEL [RUNS] [extra aurora-gate args]
  local set=$1 label=$2 runs=${3:-$GATE_RUNS}; shift 3 || shift $#
  "$PY" "$ME/oneshot.py" --label "$label" --runs "$runs" --warmup 2 --prom-url "$PROM_URL" \
    --prom-pid "$(pid_of prometheus)" --baseline "$R/baseline.json" -- \
    "$GATE" check "$RULES/$set.yml" --prometheus "$PROM_URL" "$@" >"$R/gate-$label.json"
  /usr/bin/time -v -o "$R/gate-$label.timev" "$GATE" check "$RULES/$set.yml" --prometheus "$PROM_URL" "$@" >/dev/null 2>&1 || true
  log "$label: $(grep -m1 '"median"' "$R/gate-$label.json")"
}

sweep() {  # sweep SET: other --max-concurrency values, 5 runs each
  local c
  for c in $CONC_LIST; do gate "$1" "$1-c$c" 5 --max-concurrency "$c"; done
}

bashgate() {  # the anchors' bash+curl+jq loop
  hyperfine -i --warmup 1 --runs 10 --export-json "$R/bash-runbook.json" -n bash+curl+jq \
    "$ANCHORS/gate_curl_jq.sh $RULES/runbook.tsv $PROM_URL" >/dev/null
  /usr/bin/time -v -o "$R/bash-runbook.timev" "$ANCHORS/gate_curl_jq.sh" "$RULES/runbook.tsv" "$PROM_URL" >/dev/null || true
  hyperfine -i --warmup 1 --runs 3 --export-json "$R/bash-n100.json" -n bash+curl+jq \
    "$ANCHORS/gate_curl_jq.sh $RULES/n100.tsv $PROM_URL" >/dev/null
  /usr/bin/time -v -o "$R/bash-n100.timev" "$ANCHORS/gate_curl_jq.sh" "$RULES/n100.tsv" "$PROM_URL" >/dev/null || true
  /usr/bin/time -v -o "$R/bash-n1000.timev" "$ANCHORS/gate_curl_jq.sh" "$RULES/n1000.tsv" "$PROM_URL" >/dev/null || true
}

bench_vmalert() {  # vmalert SET: as the anchors' bench_vmalert, CYCLES cycles of 15 s after 2 warm-up cycles
  local set=$1
  bg vmalert vmalert -rule="$RULES/$set.yml" -datasource.url="$PROM_URL" \
    -notifier.url="http://127.0.0.1:$AM_PORT" -evaluationInterval=15s \
    -httpListenAddr="127.0.0.1:$VMALERT_PORT" -loggerLevel=WARN
  wait_http "http://127.0.0.1:$VMALERT_PORT/metrics" 120
  "$PY" "$ANCHORS/measure.py" --mode vmalert --label "vmalert-$set" --prom-url "$PROM_URL" \
    --eval-url "http://127.0.0.1:$VMALERT_PORT" --prom-pid "$(pid_of prometheus)" \
    --eval-pid "$(pid_of vmalert)" --cycles "$CYCLES" --baseline "$R/baseline.json" >"$R/vmalert-$set.json" || true
  stop vmalert
  log "vmalert $set: $(grep '"cycle_mean_s"' "$R/vmalert-$set.json")"
  sleep 5
}

profile() {  # where aurora-gate's own CPU goes on n1000 (flat profile, by DSO and symbol)
  perf record -F 1999 -o "$AB/perf-n1000.data" -- "$GATE" check "$RULES/n1000nofor.yml" \
    --prometheus "$PROM_URL" >/dev/null 2>"$AB/logs/perf-record.log" || true
  perf report -i "$AB/perf-n1000.data" --stdio --no-children --sort dso -g none >"$AB/perf-dso.txt" 2>/dev/null || true
  perf report -i "$AB/perf-n1000.data" --stdio --no-children --sort dso,sym -g none >"$AB/perf-sym.txt" 2>/dev/null || true
  grep -v '^#' "$AB/perf-dso.txt" | grep -v '^$' | sed -n 1,15p >"$R/perf-n1000-dso.txt" || true
  grep -v '^#' "$AB/perf-sym.txt" | grep -v '^$' | sed -n 1,40p >"$R/perf-n1000-sym.txt" || true
  # the parts that need no server: process start, gate-file load+validation (lint)
  gate_local version "$GATE" --version
  gate_local lint-n1000 "$GATE" lint "$RULES/n1000nofor.yml"
  gate_local lint-n100 "$GATE" lint "$RULES/n100nofor.yml"
}

gate_local() {  # gate_local LABEL CMD...: 10 runs of a command that needs no server, CPU and RSS via time -v
  local label=$1 i; shift
  : >"$R/local-$label.txt"
  for i in $(seq 1 10); do
    /usr/bin/time -f '%e %U %S %M' -a -o "$R/local-$label.txt" "$@" >/dev/null 2>&1 || true
  done
}

trace_split() {  # where the runbook check's wall goes (env-guarded trace, base/trace.h)
  "$PY" "$ME/trace_split.py" 12 -- "$GATE" check "$RULES/runbook.yml" --prometheus "$PROM_URL" >"$R/trace-split.json"
}

r1paired() {  # R1 again, load shared fairly: rounds of (alone, aurora-gate, curl --parallel) in rotating order
  "$PY" "$ME/r1_paired.py" "$R/requests-runbook.jsonl" "$PROM_URL" 12 8 -- \
    "$GATE" check "$RULES/runbook.yml" --prometheus "$PROM_URL" >"$R/r1paired.json"
  log "r1paired: $(grep -A6 '"median": {' "$R/r1paired.json" | tr -d '\n ')"
}

up() {  # build, dataset and a running Prometheus for repeated R1 measurements (`run.sh r1`), kept running
  build; rules
  if [ -s "$AB/ds-$SERIES/t_start" ] && [ -d "$AB/ds-$SERIES/data" ]; then up_dataset "$SERIES"; else prepare_dataset "$SERIES"; fi
  wait_live_window "$SERIES"
  verify_dataset "$SERIES"
  log "up: Prometheus $PROM_URL (pid $(pid_of prometheus)); stop with: $0 down"
}
down() { stop_all; }

report() { "$PY" "$ME/report.py" "$R" >"$R/section.md" && log "report: $R/section.md"; }

# r1 [ROUNDS]: requirement R1 alone, on a running stack (`run.sh up` first; `run.sh down` after):
# capture what aurora-gate sends, R1 in paired rounds (each request alone with curl, aurora-gate,
# curl --parallel of the same requests), and where aurora-gate's wall goes (trace_split.py).
# Prints the figures with the load average; raw JSON in $R/r1paired.json and $R/trace-split.json.
r1() {
  local rounds=${1:-12} p
  capture_set runbook
  "$PY" "$ME/r1_paired.py" "$R/requests-runbook.jsonl" "$PROM_URL" "$rounds" 8 -- \
    "$GATE" check "$RULES/runbook.yml" --prometheus "$PROM_URL" >"$R/r1paired.json"
  "$PY" "$ME/trace_split.py" "$rounds" -- "$GATE" check "$RULES/runbook.yml" --prometheus "$PROM_URL" >"$R/trace-split.json"
  "$PY" - "$R/r1paired.json" "$R/trace-split.json" "$R/requests-runbook.jsonl" <<'PYEOF'
import json, sys, urllib.parse
d, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
reqs = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
m = d["median"]
print("R1 (medians of %d paired rounds; load average 1-min median %.2f, at end %s)" % (len(d["rounds"]), m["loadavg1"], " ".join(d["loadavg"])))
for r, a in zip(reqs, d["median_alone_per_request"]):
    q = urllib.parse.parse_qs(r["body"])
    print("  alone %7.1f ms  %s %s" % (a * 1000, r["path"], q["query"][0]))
print("  slowest alone        %7.1f ms" % (m["slowest_alone"] * 1000))
print("  aurora-gate check    %7.1f ms  -> %.2f x slowest (target <= 1.2): %s" % (m["gate"] * 1000, m["gate_over_slowest"], "met" if m["gate_over_slowest"] <= 1.2 else "NOT met"))
print("  curl --parallel      %7.1f ms  -> %.2f x slowest" % (m["parallel"] * 1000, m["parallel_over_slowest"]))
print("  aurora-gate / curl --parallel: %.2f" % m["gate_over_parallel"])
if "gate_server_over_slowest" in m:
    print("  server part of aurora-gate's run (first send -> last answer, its trace): %.1f ms -> %.2f x slowest" % (m["gate_server"] * 1000, m["gate_server_over_slowest"]))
print("  aurora-gate wall split (ms, medians of %d traced runs): %s" % (len(t["runs"]), json.dumps(t["median_ms"])))
PYEOF
}

# nsets: R2-R4 again (N = 100 and 1000, without `for`) on a running stack: a fresh baseline,
# vmalert on the generated files (the `for` variant, which the recorded runs found better for
# vmalert), aurora-gate check of the `for`-less copies; prints the ratios with the load.
nsets() {
  start_alertmanager
  baseline
  local n
  for n in 100 1000; do
    bench_vmalert "n$n"
    gate "n${n}nofor" "n${n}nofor" "$GATE_RUNS"
    "$PY" - "$R/vmalert-n$n.json" "$R/gate-n${n}nofor.json" "$n" <<'PYEOF'
import json, sys
v, g, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
vc, vcpu, vp = v["cycle_mean_s"], v["eval_cpu_s_per_cycle"], v["prom_extra_cpu_s_per_cycle"]
gw, gc, gp = g["wall_s"]["median"], g["cpu_s"]["median"], g["prom_extra_cpu_s_per_run"]
print("N=%s (load %s): R2 wall %.0f / vmalert cycle %.0f ms = %.2f (<= 0.45); R3 CPU %.0f / %.0f ms = %.2f (<= 0.25); "
      "R4 Prometheus extra CPU %.0f / %.0f ms = %.2f (<= 1)" % (n, " ".join(g["loadavg"]), gw * 1e3, vc * 1e3, gw / vc,
      gc * 1e3, vcpu * 1e3, gc / vcpu, gp * 1e3, vp * 1e3, gp / vp))
PYEOF
  done
}

capture_set() {  # capture_set SET: what aurora-gate sends for SET (logged by the proxy; not timed)
  local set=$1
  rm -f "$R/requests-$set.jsonl"
  bg proxy "$PY" "$ME/logproxy.py" "$PROXY_PORT" "$PROM_URL" "$R/requests-$set.jsonl"
  sleep 1  # as capture(): a probe request would be logged as one of ours
  "$GATE" check "$RULES/$set.yml" --prometheus "http://127.0.0.1:$PROXY_PORT" --json "$R/report-$set.json" \
    >"$R/table-$set.txt" 2>&1 || echo "exit $?" >>"$R/table-$set.txt"
  stop proxy
}

main() {
  local t0; t0=$(date +%s)
  stop_all
  build; versions; rules
  start_alertmanager
  prepare_dataset "$SERIES"
  wait_live_window "$SERIES"
  verify_dataset "$SERIES"
  stage baseline baseline
  stage floor floor
  stage capture capture
  stage alone alone
  stage gate-runbook gate runbook runbook "$GATE_RUNS"
  stage gate-runbook-c1 gate runbook runbook-c1 5 --max-concurrency 1
  stage r1paired r1paired
  stage trace-split trace_split
  stage bashgate bashgate
  stage vmalert-runbook bench_vmalert runbook
  stage vmalert-n100 bench_vmalert n100
  stage vmalert-n100nofor bench_vmalert n100nofor
  stage gate-n100 gate n100nofor n100nofor "$GATE_RUNS"
  stage sweep-n100 sweep n100nofor
  stage vmalert-n1000 bench_vmalert n1000
  stage vmalert-n1000nofor bench_vmalert n1000nofor
  stage gate-n1000 gate n1000nofor n1000nofor "$GATE_RUNS"
  stage sweep-n1000 sweep n1000nofor
  stage gate-n1000for gate n1000 n1000for 5
  stage profile profile
  stop_all
  echo "$(( $(date +%s) - t0 ))" >"$R/run_seconds"
  stage report report
  log "done in $(cat "$R/run_seconds") s: $R"
}

if [ $# -gt 0 ]; then "$@"; else main; fi
