#!/usr/bin/env bash
# bench/run.sh: the speed benchmarks of the CI artifact gate, in one run.
# Builds Release, generates the large inputs (deterministic, under $SCRATCH),
# runs aurora-gate and the python equivalents side by side, prints every
# figure with the command that produced it and writes bench/RESULTS.md.
# Bounded: every step runs under `timeout`; the whole run takes ~2-4 min.
#   bench/run.sh                      # full run (200 MB Cobertura, 100k cases)
#   COV_MB=20 JUNIT_N=10000 bench/run.sh   # quick smoke run
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build/bench}
SCRATCH=${SCRATCH:-/tmp/aurora-bench}
COV_MB=${COV_MB:-200}
JUNIT_N=${JUNIT_N:-100000}
RUNS=${RUNS:-5}          # runs per tool, Cobertura parse benchmark (median)
JUNIT_RUNS=${JUNIT_RUNS:-11}  # runs per tool, JUnit parse benchmark (median)
GATE_RUNS=${GATE_RUNS:-30}
RESULTS=${RESULTS:-$REPO/bench/RESULTS.md}
LOG="$SCRATCH/log"
mkdir -p "$SCRATCH"
: >"$LOG"

say() { echo "$@" | tee -a "$LOG"; }
# Runs a command, echoing it first (the figures are traceable to it).
run() { say "\$ $*"; "$@" 2>&1 | tee -a "$LOG"; return "${PIPESTATUS[0]}"; }

if ! command -v hyperfine >/dev/null; then
  say "hyperfine missing: installing the Debian package"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  timeout 300 $SUDO apt-get install -y hyperfine >/dev/null ||
    { timeout 120 $SUDO apt-get update >/dev/null &&
      timeout 300 $SUDO apt-get install -y hyperfine >/dev/null; }
fi

say "== build (Release) =="
run timeout 120 cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
run timeout 600 cmake --build "$BUILD" -j"$(nproc)" --target aurora-gate parse_bench >/dev/null
GATE="$BUILD/gates/aurora-gate"
PARSE="$BUILD/bench/parse_bench"

say "== inputs (deterministic; regenerated when missing) =="
COV="$SCRATCH/cobertura_${COV_MB}MB.xml"
JUNIT="$SCRATCH/junit_${JUNIT_N}.xml"
[ -s "$COV" ] || run timeout 300 python3 "$REPO/bench/gen_cobertura.py" "$COV_MB" "$COV"
[ -s "$JUNIT" ] || run timeout 120 python3 "$REPO/bench/gen_junit.py" "$JUNIT_N" "$JUNIT"
ls -l "$COV" "$JUNIT" | tee -a "$LOG"

say "== requirement 1: cold check of gates/runbook/predeploy.yaml, aurora-gate vs python =="
cd "$REPO"
for set in pass fail; do
  export ARTIFACTS="examples/artifacts/$set"
  set +e
  "$GATE" check gates/runbook/predeploy.yaml >/dev/null 2>&1; gate_rc=$?
  python3 bench/runbook_gate.py >/dev/null 2>&1; py_rc=$?
  set -e
  say "ARTIFACTS=$ARTIFACTS exit codes: aurora-gate $gate_rc, python $py_rc"
  echo "$gate_rc $py_rc" >"$SCRATCH/rc_$set"
  # -N: no intermediate shell; -i: the fail set exits 1 on purpose.
  run timeout 300 hyperfine -N -i --warmup 3 --runs "$GATE_RUNS" \
    --export-json "$SCRATCH/gate_$set.json" \
    -n aurora-gate "$GATE check gates/runbook/predeploy.yaml" \
    -n python3 "python3 bench/runbook_gate.py"
done
unset ARTIFACTS

say "== requirement 2: parse throughput and peak RSS, aurora vs ElementTree =="
: >"$SCRATCH/parse.txt"
for kind in coverage junit; do
  file=$COV; runs=$RUNS
  [ $kind = junit ] && file=$JUNIT && runs=$JUNIT_RUNS
  # Interleaved, so a burst of load on the shared machine hits both sides.
  for i in $(seq "$runs"); do
    run timeout 120 "$PARSE" $kind "$file" | grep '^tool=' >>"$SCRATCH/parse.txt"
    run timeout 300 python3 "$REPO/bench/parse_etree.py" $kind "$file" |
      grep '^tool=' >>"$SCRATCH/parse.txt"
  done
done

say "== summary -> $RESULTS =="
python3 - "$SCRATCH" "$RESULTS" "$GATE" "$PARSE" "$COV" "$JUNIT" "$RUNS" "$JUNIT_RUNS" <<'PY' | tee -a "$LOG"
import json, os, platform, statistics, subprocess, sys, datetime
scratch, results, gate, parse, cov, junit, runs, junit_runs = sys.argv[1:]
def sh(c): return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
hf = sh("hyperfine --version")
out = ["# Benchmark results (bench/run.sh)", "",
       f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
       f"- machine: {sh('nproc')} CPUs (`nproc`), {cpu}, {platform.system()} {platform.release()}",
       f"- commit: {sh('git rev-parse --short=12 HEAD')}"
       + (" (working tree has uncommitted changes)" if sh('git status --porcelain -- queries base bench') else ""),
       f"- tools: {hf}, {sh('python3 --version')}, Release build",
       "- MB = 10^6 bytes; figures produced by the commands in bench/run.sh "
       "(full log: $SCRATCH/log)", ""]
ok_all = True
def verdict(ok):
    global ok_all
    ok_all &= ok
    return "met" if ok else "**NOT met**"

out += ["## 1. Cold `aurora-gate check gates/runbook/predeploy.yaml` vs python3 script",
        "", "hyperfine -N, 3 warm-up runs, fresh process per run (page cache warm "
        "for both sides). Python: bench/runbook_gate.py (json + xml.etree, same 8 checks).", "",
        "| artifacts | exit codes (gate / python) | aurora-gate mean ± σ | python3 mean ± σ | speed-up | target | verdict |",
        "|---|---|---|---|---|---|---|"]
for s in ("pass", "fail"):
    r = {x["command"]: x for x in json.load(open(f"{scratch}/gate_{s}.json"))["results"]}
    g, p = r["aurora-gate"], r["python3"]
    grc, prc = open(f"{scratch}/rc_{s}").read().split()
    ratio = p["mean"] / g["mean"]
    ok = ratio >= 5 and grc == prc
    out.append(f"| examples/artifacts/{s} | {grc} / {prc} | {g['mean']*1e3:.2f} ± {g['stddev']*1e3:.2f} ms "
               f"| {p['mean']*1e3:.2f} ± {p['stddev']*1e3:.2f} ms | {ratio:.1f}× | ≥ 5× | {verdict(ok)} |")

rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(f"{scratch}/parse.txt")]
out += ["", "## 2. Parse throughput on generated large inputs vs python3 xml.etree.ElementTree", "",
        f"Each tool run {runs}× (Cobertura) / {junit_runs}× (JUnit) in the same run, "
        "the two interleaved; time = read + parse + counting, inside the process "
        "(median, and min–max over the runs), peak RSS = max ru_maxrss of the process. "
        "The speed-up is the ratio of the medians.", "",
        "| input | size | runs | aurora s median (MB/s) | aurora min–max s | python s median (MB/s) | python min–max s | speed-up ≥ 10× | throughput ≥ 300 MB/s | aurora peak RSS (× file) ≤ 2× | python peak RSS (× file) | numbers agree |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"]
skip = {"tool", "bytes", "read_s", "parse_s", "seconds", "mb_per_s", "peak_rss_kb", "rss_ratio"}
for kind, path in (("coverage", cov), ("junit", junit)):
    a = [r for r in rows if r["format"] == kind and r["tool"] == "aurora"]
    p = [r for r in rows if r["format"] == kind and r["tool"] == "python"]
    size = int(a[0]["bytes"])
    ats = [float(r["seconds"]) for r in a]
    pts = [float(r["seconds"]) for r in p]
    at, pt = statistics.median(ats), statistics.median(pts)
    arss = max(int(r["peak_rss_kb"]) for r in a) * 1024 / size
    prss = max(int(r["peak_rss_kb"]) for r in p) * 1024 / size
    common = [k for k in p[0] if k in a[0] and k not in skip and k != "format"]
    agree = all(float(x[k]) == float(y[k]) for x in a for y in p for k in common)
    ratio, mbs = pt / at, size / 1e6 / at
    out.append(f"| {os.path.basename(path)} | {size/1e6:.1f} MB | {len(a)} / {len(p)} | {at:.4f} ({mbs:.0f}) "
               f"| {min(ats):.4f}–{max(ats):.4f} | {pt:.4f} ({size/1e6/pt:.0f}) | {min(pts):.4f}–{max(pts):.4f} "
               f"| {ratio:.1f}× {verdict(ratio >= 10)} | {mbs:.0f} {verdict(mbs >= 300)} "
               f"| {arss:.2f}× {verdict(arss <= 2)} | {prss:.2f}× | {'yes' if agree else '**NO**'} |")
    ok_all &= agree
out += ["", "Headline numbers compared (aurora vs python): " +
        ", ".join(k for k in p[0] if k not in skip and k != "format") + " (JUnit); "
        "coverage: root lines/branches and per-file sums.", "",
        "Raw lines (`parse_bench` / `parse_etree.py`):", "", "```"] + \
       [l.strip() for l in open(f"{scratch}/parse.txt")] + ["```", "",
        f"Overall: {'all targets met' if ok_all else 'some targets NOT met (see above)'}", ""]
if not ok_all:
    out += ["Why a target is not met, and what would meet it: bench/README.md, "
            "section \"Findings\".", ""]
# Keep the sections other benchmarks append (e.g. "## Live Prometheus gates").
kept = ""
if os.path.exists(results):
    old = open(results).read()
    i = old.find("\n## Live Prometheus gates")
    if i >= 0:
        kept = old[i:]
open(results, "w").write("\n".join(out) + kept)
print("\n".join(out))
PY
