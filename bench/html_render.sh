#!/usr/bin/env bash
# bench/html_render.sh: how long headless Chromium takes for the HTML go-live
# report of 50 live rules × 24 h × 15 s (issue 5: "renders in under 1 s in
# that browser"). Page work = wall time of loading the big page minus that of
# the report of an empty run (same browser start-up, profile creation and
# exit), median of RUNS runs each, interleaved. Measured twice: --dump-dom
# (parse, style, load) and --screenshot (also layout and paint).
#   bench/html_render.sh            # RUNS=7 RULES=50
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build/bench}
SCRATCH=${SCRATCH:-/tmp/aurora-bench-html}
RUNS=${RUNS:-7}
RULES=${RULES:-50}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
mkdir -p "$SCRATCH"

[ -x "$CHROMIUM" ] || { echo "chromium missing: apt-get install chromium" >&2; exit 1; }
say() { echo "$@"; }
run() { say "\$ $*" >&2; "$@"; }

say "== build (Release) =="
run timeout 120 cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
run timeout 900 cmake --build "$BUILD" -j"$(nproc)" --target html_page >/dev/null
run "$BUILD/bench/html_page" big "$SCRATCH/big.html" "$RULES"
run "$BUILD/bench/html_page" empty "$SCRATCH/empty.html"

# One timed Chromium run: prints wall seconds.
chrome() {
  local profile; profile=$(mktemp -d)
  local start end
  start=$(date +%s.%N)
  timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
    --no-default-browser-check --disable-extensions --hide-scrollbars \
    --user-data-dir="$profile" "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  rm -rf "$profile"
  echo "$end - $start" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # measure NAME FLAGS...
  local name=$1; shift
  local big=() empty=()
  say "\$ $CHROMIUM --headless=new --no-sandbox --disable-gpu --user-data-dir=TMP $* file://$SCRATCH/{big,empty}.html  (x$RUNS each, interleaved)"
  for _ in $(seq "$RUNS"); do
    empty+=("$(chrome "$@" "file://$SCRATCH/empty.html")")
    big+=("$(chrome "$@" "file://$SCRATCH/big.html")")
  done
  local mb me
  mb=$(printf '%s\n' "${big[@]}" | median)
  me=$(printf '%s\n' "${empty[@]}" | median)
  printf '%s: big page median %.3f s, empty report median %.3f s, page work %.3f s (target < 1 s)\n' \
    "$name" "$mb" "$me" "$(echo "$mb - $me" | bc -l)"
  say "  big runs:   ${big[*]}"
  say "  empty runs: ${empty[*]}"
}

say "== chromium $("$CHROMIUM" --version 2>/dev/null | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) =="
measure "--dump-dom" --dump-dom
measure "--screenshot" --window-size=1280,2000 --screenshot="$SCRATCH/shot.png"
