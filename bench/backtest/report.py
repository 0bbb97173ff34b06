#!/usr/bin/python3
"""The backtest section of bench/RESULTS.md from bench/backtest/run.sh's raw files.

usage: report.py RESULTS_DIR "FROM_1H TO_1H" "FROM_LONG TO_LONG"
Per run TOOL-SET-SPAN-TAG: .timev (/usr/bin/time -v), .prom0/.prom1 (Prometheus' counters before
and after), .load, .log, .json (aurora-gate only). Runs tagged "w" are warm-up runs: listed, not
counted in the medians.
"""
import glob
import json
import os
import re
import statistics
import sys

R = sys.argv[1]
SPAN_1H = sys.argv[2] if len(sys.argv) > 2 else "?"
SPAN_LONG = sys.argv[3] if len(sys.argv) > 3 else "?"
GOAL = 0.25
SPAN_ORDER = {"1h": 0, "5h30m": 1}


def timev(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("User time"):
            out["user"] = float(line.split(":")[-1])
        elif line.startswith("System time"):
            out["sys"] = float(line.split(":")[-1])
        elif line.startswith("Maximum resident"):
            out["rss_kb"] = int(line.split(":")[-1])
        elif line.startswith("Elapsed (wall clock)"):
            t = line.split(": ")[-1].split(":")
            out["wall"] = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
        elif line.startswith("Exit status"):
            out["exit"] = int(line.split(":")[-1])
    return out


def load_json(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def aurora_result(path):
    j = load_json(path)
    if not j or not j.get("span"):
        return "no JSON"
    sp = j["span"]
    rules = [r for g in sp["gates"] for r in g["rules"]]
    failing = sum(1 for r in rules if any(i["outcome"] == "fail" for i in r["intervals"]))
    errors = sum(1 for r in rules if any(i["outcome"] == "error" for i in r["intervals"]))
    out = "%d rules x %d steps; %d ever failing, %d error; %d incident(s)" % (
        len(rules), sp["steps"], failing, errors, len(j["incidents"]))
    log = path[:-len(".json")] + ".log"
    m = re.search(r"backtest-read (.*)", open(log).read()) if os.path.exists(log) else None
    return out + ("; read: " + m.group(1) if m else "")


def vmalert_result(path):
    txt = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"Imported (\d+) samples", txt)
    return "%s samples written" % (m.group(1) if m else "?")


runs = []
for p in glob.glob(os.path.join(R, "*.timev")):
    base = p[:-len(".timev")]
    m = re.match(r"(aurora|vmalert15|vmalert)-(n\d+)-(\w+)-(\w+)$", os.path.basename(base))
    if not m:
        continue
    tool, rset, span, tag = m.groups()
    tv = timev(p)
    p0, p1 = load_json(base + ".prom0"), load_json(base + ".prom1")
    prom = {k: p1[k] - p0[k] for k in p0} if p0 and p1 else {}
    runs.append({
        "tool": tool, "set": rset, "span": span, "tag": tag, "mtime": os.path.getmtime(p),
        "wall": tv.get("wall", float("nan")), "cpu": tv.get("user", 0) + tv.get("sys", 0),
        "rss": tv.get("rss_kb", 0) / 1024, "exit": tv.get("exit", "?"), "prom": prom,
        "load": open(base + ".load").read().strip() if os.path.exists(base + ".load") else "?",
        "result": aurora_result(base + ".json") if tool == "aurora" else vmalert_result(base + ".log"),
    })
runs.sort(key=lambda r: r["mtime"])


def med(tool, rset, span, key):
    xs = [r[key] for r in runs if (r["tool"], r["set"], r["span"]) == (tool, rset, span) and re.fullmatch(r"r\d+", r["tag"])]
    return statistics.median(xs) if xs else float("nan")


def medprom(tool, rset, span, key):
    xs = [r["prom"].get(key) for r in runs
          if (r["tool"], r["set"], r["span"]) == (tool, rset, span) and re.fullmatch(r"r\d+", r["tag"]) and r["prom"]]
    return statistics.median(xs) if xs else float("nan")


versions = load_json(os.path.join(R, "versions.json")) or {}
build = open(os.path.join(R, "build.txt")).read().strip() if os.path.exists(os.path.join(R, "build.txt")) else "?"
load_end = open(os.path.join(R, "loadavg_at_end")).read().strip() if os.path.exists(os.path.join(R, "loadavg_at_end")) else "?"
secs = open(os.path.join(R, "run_seconds")).read().strip() if os.path.exists(os.path.join(R, "run_seconds")) else "?"

w = print
TOOL_NAMES = {"aurora": "aurora-gate backtest", "vmalert": "vmalert -replay",
              "vmalert15": "vmalert -replay -datasource.queryStep=15s"}
w("## backtest (issue 17 part 1): `bench/backtest/run.sh`")
w()
w("`aurora-gate backtest` beside `vmalert -replay`, same rule file (the anchors' generated `nN.yml`, "
  "Prometheus alert format, read by both), same span at a 15 s step, against one Prometheus holding "
  "the anchors' 10k-series dataset (6 h backfilled with promtool). The runs are one after the other, "
  "never at once, the pairs interleaved both ways; each under `/usr/bin/time -v`. Prometheus' own "
  "counters are read before and after each run: range queries served, its engine's evaluation time "
  "(`prometheus_engine_query_duration_seconds_sum{slice=\"inner_eval\"}`), its CPU "
  "(`process_cpu_seconds_total`). aurora-gate's points read come from its trace "
  "(`AURORA_GATE_TRACE=1`, line `backtest-read`).")
w()
w("Machine: %s, %s CPUs, %s, kernel %s; load average %s at the start, %s at the end (a shared machine: "
  "other helpers' builds and benchmarks ran meanwhile). %s %s, %s %s. Build: release preset "
  "(`build/release/gates/aurora-gate`, %s), commit %s (`%s`). Recorded %s, the whole run %s s." % (
      versions.get("cpu", "?"), versions.get("nproc", "?"), versions.get("mem", "?"), versions.get("kernel", "?"),
      versions.get("loadavg_at_start", "?"), load_end, "prometheus", versions.get("prometheus", "?"),
      "victoria-metrics (vmalert)", versions.get("victoria-metrics", "?"), versions.get("aurora-gate", "?"),
      versions.get("git", "?"), build, versions.get("date", "?"), secs))
w()
w("Spans (T = the dataset's first live scrape): 1 h = %s .. %s (T-70m .. T-10m, the anchors' replay "
  "window); 5 h 30 m = %s .. %s." % tuple((SPAN_1H.split() + ["?", "?"])[:2] + (SPAN_LONG.split() + ["?", "?"])[:2]))
w()
w("```sh")
w("bench/backtest/run.sh up        # gen_rules.py --n 100,1000; the 10k dataset on Prometheus :19690")
w("bench/backtest/run.sh measure   # the runs below (victoria-metrics :19698 as vmalert's sink)")
w("# per run:")
w("/usr/bin/time -v aurora-gate backtest $AB/rules/SET.yml --prometheus http://127.0.0.1:19690 \\")
w("  --from FROM --to TO --step 15s --max-concurrency 8 --json RUN.json")
w("/usr/bin/time -v vmalert -rule=$AB/rules/SET.yml -datasource.url=http://127.0.0.1:19690 \\")
w("  -remoteWrite.url=http://127.0.0.1:19698 -evaluationInterval=15s -replay.timeFrom=FROM \\")
w("  -replay.timeTo=TO -replay.rulesDelay=0 -replay.disableProgressBar -loggerLevel=INFO")
w("```")
w()
w("| tool | rules | span | step | run | wall (s) | user+sys CPU (s) | max RSS (MiB) | range queries | "
  "Prometheus engine eval (s) | Prometheus CPU (s) | load avg (1/5/15) | result | exit |")
w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for r in runs:
    p = r["prom"]
    w("| %s | %s | %s | 15 s | %s | %.2f | %.2f | %.1f | %s | %s | %s | %s | %s | %s |" % (
        TOOL_NAMES[r["tool"]], r["set"][1:], r["span"],
        r["tag"] + {"w": " (warm-up)", "trace": " (traced)"}.get(r["tag"], "" if re.fullmatch(r"r\d+", r["tag"]) else " (before)"), r["wall"], r["cpu"], r["rss"],
        p.get("range_queries", "?"), "%.2f" % p["engine_eval_s"] if "engine_eval_s" in p else "?",
        "%.2f" % p["cpu_s"] if "cpu_s" in p else "?", r["load"], r["result"], r["exit"]))
w()

aw, vw = med("aurora", "n1000", "1h", "wall"), med("vmalert", "n1000", "1h", "wall")
ac, vc = med("aurora", "n1000", "1h", "cpu"), med("vmalert", "n1000", "1h", "cpu")
n = len([r for r in runs if r["set"] == "n1000" and r["span"] == "1h" and re.fullmatch(r"r\d+", r["tag"]) and r["tool"] == "aurora"])
met_w, met_c = aw <= GOAL * vw, ac <= GOAL * vc
w("**Target** (1000 rules, 1 h at 15 s, median of %d interleaved pairs, warm-up excluded): wall %.2f s vs "
  "%.2f s = **%.2f×** (goal ≤ %.2f×: **%s**); user+sys CPU %.2f s vs %.2f s = **%.2f×** (goal ≤ %.2f×: "
  "**%s**)." % (n, aw, vw, aw / vw, GOAL, "met" if met_w else "NOT met", ac, vc, ac / vc, GOAL,
                "met" if met_c else "NOT met"))
w()
v15w, v15c = med("vmalert15", "n1000", "1h", "wall"), med("vmalert15", "n1000", "1h", "cpu")
if v15w == v15w:  # vmalert15 runs present
    w("vmalert's `-datasource.queryStep` (default 5m) is the step of its replay reads: the anchors' command "
      "above evaluates every 5 minutes, 1/20 of the 15 s steps aurora-gate evaluates. With "
      "`-datasource.queryStep=15s` (the same steps): wall %.2f s vs %.2f s = **%.2f×**; user+sys CPU "
      "%.2f s vs %.2f s = **%.2f×**; Prometheus CPU answering it %.2f s." % (
          aw, v15w, aw / v15w, ac, v15c, ac / v15c, medprom("vmalert15", "n1000", "1h", "cpu_s")))
    w()
pa, pv = medprom("aurora", "n1000", "1h", "cpu_s"), medprom("vmalert", "n1000", "1h", "cpu_s")
ea, ev = medprom("aurora", "n1000", "1h", "engine_eval_s"), medprom("vmalert", "n1000", "1h", "engine_eval_s")
w("Prometheus' side of the same runs (medians, 1000 rules / 1 h): its engine spent %.2f s evaluating "
  "aurora-gate's range queries and %.2f s vmalert's, and its process %.2f s / %.2f s of CPU answering "
  "(aurora-gate also reads each rule's history before FROM so `for` is settled at FROM: the longest "
  "`for` is 15 m, i.e. up to +25 %% points of a 1 h span)." % (ea, ev, pa, pv))
w()
pts = load_json(os.path.join(R, "points-n1000-1h.json"))
if pts:
    w("Points read (1000 rules, 1 h), counted independently by `bench/backtest/points.py` (one python range "
      "query per rule and window): vmalert's window [FROM, TO] returns %s series / %s points; aurora-gate's "
      "window [FROM - (for + 15 s), TO] returns %s series / %s points (aurora-gate's own count is in the traced "
      "run's row above)." % tuple("{:,}".format(x) for x in (
          pts["vmalert_window"]["series"], pts["vmalert_window"]["points"],
          pts["aurora_window"]["series"], pts["aurora_window"]["points"])))
    w()
w("Memory (max RSS, medians): aurora-gate %.1f MiB at 100 rules / 1 h, %.1f MiB at 1000 rules / 1 h, "
  "%.1f MiB at 1000 rules / 5 h 30 m; vmalert %.1f / %.1f / %.1f MiB." % (
      med("aurora", "n100", "1h", "rss"), med("aurora", "n1000", "1h", "rss"), med("aurora", "n1000", "5h30m", "rss"),
      med("vmalert", "n100", "1h", "rss"), med("vmalert", "n1000", "1h", "rss"), med("vmalert", "n1000", "5h30m", "rss")))
