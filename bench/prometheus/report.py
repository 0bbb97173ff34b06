#!/usr/bin/python3
"""Raw JSON of bench/prometheus/run.sh -> markdown tables (one per requirement, met / NOT met).
usage: report.py RESULTS_DIR > section.md"""
import glob
import json
import os
import re
import sys

R = sys.argv[1]


def load(name):
    try:
        with open(os.path.join(R, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def timev(name):
    try:
        t = open(os.path.join(R, name)).read()
    except OSError:
        return None
    g = lambda k: re.search(re.escape(k) + r"\s*(\S+)", t).group(1)
    el = g("Elapsed (wall clock) time (h:mm:ss or m:ss):").split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(el)))
    return {"wall": wall, "cpu": float(g("User time (seconds):")) + float(g("System time (seconds):")),
            "rss_kb": int(g("Maximum resident set size (kbytes):"))}


def ms(x, nd=1):
    return "—" if x is None else "%.*f" % (nd, x * 1e3)


def mib(kb):
    return "—" if kb is None else "%.1f" % (kb / 1024.0)


def verdict(ok):
    return "**met**" if ok else "**NOT met**"


out = []
p = out.append
ver = load("versions.json") or {}
p("Run: %s, %s × %s, load average at start %s; whole run %s s. Versions: aurora-gate `%s`, prometheus %s, "
  "victoria-metrics (vmalert) %s, curl %s, jq %s." % (
      ver.get("date"), ver.get("nproc"), ver.get("cpu"), ver.get("loadavg_at_start"),
      open(os.path.join(R, "run_seconds")).read().strip() if os.path.exists(os.path.join(R, "run_seconds")) else "?",
      ver.get("aurora-gate"), ver.get("prometheus"), ver.get("victoria-metrics"), ver.get("curl"), ver.get("jq")))
ds = load("dataset-10000.json") or {}
p("Dataset: %s series live (%s head), %s samples/series over the 6 h backfill; runbook result series %s." % (
    ds.get("series_now"), ds.get("head_series"), ds.get("samples_per_series_6h"), ds.get("runbook_result_sizes")))
p("")

# --- requirement 1: runbook
al = load("alone-runbook.json")
g8, g1 = load("gate-runbook.json"), load("gate-runbook-c1.json")
p("### R1. Runbook set, one-shot `check` with its `for` windows: wall ≤ 1.2 × slowest query alone")
p("")
if al:
    p("What aurora-gate sent (logged by `logproxy.py`), each request replayed alone with a new `curl` "
      "(%d reps, same body and Accept-Encoding; median) and Prometheus's own `execTotalTime` (stats=all, requirement (a)):" % al["requests"][0]["curl_s"]["n"])
    p("")
    p("| request | query | range (s) / step | result series | curl alone median (ms) | Prometheus exec median (ms) |")
    p("| --- | --- | --- | --- | --- | --- |")
    for e in al["requests"]:
        rng = "instant" if not e["start"] else "%g / %s" % (float(e["end"]) - float(e["start"]), e["step"])
        p("| %s | `%s` | %s | %s | %s | %s |" % (e["path"].split("?")[0], e["query"].replace("|", "\\|"), rng, e["result_series"],
                                              ms(e["curl_s"]["median"], 2), ms(e["server_exec_s"]["median"], 2)))
    p("")
if al and g8:
    slow = al["slowest_curl_median_s"]
    p("| aurora-gate | wall median (min–max) ms | slowest query alone (ms) | ratio | target | result |")
    p("| --- | --- | --- | --- | --- | --- |")
    for lab, g in (("--max-concurrency 8 (default)", g8), ("--max-concurrency 1", g1)):
        if g:
            w = g["wall_s"]
            p("| %s, %d runs | %s (%s–%s) | %s | %.2f | ≤ 1.2 | %s |" % (lab, g["runs"], ms(w["median"]), ms(w["min"]), ms(w["max"]),
                                                                    ms(slow), w["median"] / slow, verdict(w["median"] <= 1.2 * slow)))
    p("")
    p("Sum of the five requests alone: %s ms (what a sequential client pays at least)." % ms(al["sum_curl_median_s"]))
    p("")

rp = load("r1paired.json")
if rp:
    m = rp["median"]
    p("Same requirement with the load shared fairly (`r1_paired.py`, %d rounds; each round times, in rotating order, "
      "every request alone with curl, one `aurora-gate check`, and all %d requests at once from one "
      "`curl --parallel --parallel-max %d`; ratios per round, then medians):" % (len(rp["rounds"]), rp["n_requests"], rp["max_concurrency"]))
    p("")
    p("| figure | median |")
    p("| --- | --- |")
    p("| slowest request alone (ms) | %s |" % ms(m["slowest_alone"]))
    p("| aurora-gate check wall (ms) | %s |" % ms(m["gate"]))
    p("| curl --parallel, same requests (ms) | %s |" % ms(m["parallel"]))
    p("| aurora-gate / slowest alone (target ≤ 1.2) | %.2f → %s |" % (m["gate_over_slowest"], verdict(m["gate_over_slowest"] <= 1.2)))
    p("| curl --parallel / slowest alone | %.2f |" % m["parallel_over_slowest"])
    p("| aurora-gate / curl --parallel | %.2f |" % (m["gate"] / m["parallel"]))
    p("| per request alone (ms) | %s |" % " / ".join(ms(x) for x in rp["median_alone_per_request"]))
    p("")

# comparators on the runbook
p("Runbook comparators, same run:")
p("")
p("| evaluator | wall / cycle (ms) | CPU (ms) | peak RSS (MiB) |")
p("| --- | --- | --- | --- |")
if g8:
    tv = timev("gate-runbook.timev")
    p("| aurora-gate check (one-shot, for windows as range queries) | %s (median) | %s | %s |" % (ms(g8["wall_s"]["median"]), ms(g8["cpu_s"]["mean"]), mib(tv["rss_kb"] if tv else g8["maxrss_kb"])))
b = load("bash-runbook.json")
tv = timev("bash-runbook.timev")
if b:
    r0 = b["results"][0]
    p("| bash+curl+jq (anchor gate_curl_jq.sh, instant, no for) | %s ± %s | %s | %s |" % (ms(r0["mean"]), ms(r0["stddev"]), ms(r0["user"] + r0["system"]), mib(tv["rss_kb"]) if tv else "—"))
v = load("vmalert-runbook.json")
if v:
    p("| vmalert 15 s cycle (cycle mean) | %s | %s | %s |" % (ms(v["cycle_mean_s"]), ms(v["eval_cpu_s_per_cycle"]), mib(v["eval_hwm_bytes"] / 1024)))
fl = load("seqfloor-runbook.json")
if fl:
    p("| floor: 5 instant queries, one keep-alive curl process, sequential | %s (median) | — | — |" % ms(fl["curl_ka_round_s"]["median"]))
    p("| floor: Prometheus exec time of the 5 instant queries (stats=all) | %s (median) | — | — |" % ms(fl["server_exec_round_s"]["median"]))
p("")

# --- requirement 2-5: N sets
p("### R2–R5. N generated rules, one-shot `check` without `for` vs vmalert on the same rules")
p("")
p("vmalert ran each set twice: the file as generated (`for:` 5–15m: alerts stay pending) and the `for`-less copy "
  "aurora-gate checks (alerts fire, so vmalert also sends them to the local alertmanager every cycle). "
  "Each target is judged against the vmalert variant that is *better for vmalert* (lower figure).")
p("")
p("| N | evaluator | wall or cycle (ms) | own CPU (ms) | Prometheus extra CPU (ms) | Prometheus HTTP time/query (ms) | peak RSS (MiB) | other load (cores) |")
p("| --- | --- | --- | --- | --- | --- | --- | --- |")
rows = {}
for n in (100, 1000):
    for lab in ("n%d" % n, "n%dnofor" % n):
        v = load("vmalert-%s.json" % lab)
        if v:
            rows[(n, lab)] = v
            p("| %d | vmalert `%s` (%d cycles) | %s | %s | %s | %s | %s (HWM) | %s |" % (
                n, lab, v["cycles"], ms(v["cycle_mean_s"]), ms(v["eval_cpu_s_per_cycle"]), ms(v["prom_extra_cpu_s_per_cycle"]),
                ms(v["http_query_mean_s"], 2), mib(v["eval_hwm_bytes"] / 1024),
                "%.2f" % (v["machine_busy_cores"] - (v["eval_cpu_s_per_cycle"] + v["prom_extra_cpu_s_per_cycle"]) * v["cycles"] / v["window_s"]) if v.get("cycles") else "—"))
    g = load("gate-n%dnofor.json" % n)
    if g:
        tv = timev("gate-n%dnofor.timev" % n)
        p("| %d | aurora-gate `n%dnofor`, c=8, %d runs | %s (median) | %s | %s | %s | %s (time -v) | %.2f |" % (
            n, n, g["runs"], ms(g["wall_s"]["median"]), ms(g["cpu_s"]["mean"]), ms(g["prom_extra_cpu_s_per_run"]),
            ms(g["prom_http_query"]["mean_s"], 2), mib(tv["rss_kb"]) if tv else mib(g["maxrss_kb_wait4"]), g["other_load_cores"]))
    tvb = timev("bash-n%d.timev" % n)
    if tvb:
        p("| %d | bash+curl+jq (1 run, time -v) | %s | %s | — | — | %s | — |" % (n, ms(tvb["wall"]), ms(tvb["cpu"]), mib(tvb["rss_kb"])))
    fl = load("seqfloor-n%d.json" % n)
    if fl:
        p("| %d | floor: sequential keep-alive curl / Prometheus exec sum | %s / %s | — | — | — | — | — |" % (
            n, ms(fl["curl_ka_round_s"]["median"]), ms(fl["server_exec_round_s"]["median"])))
p("")
p("| N | requirement | aurora-gate | vmalert (better variant) | ratio | target | result |")
p("| --- | --- | --- | --- | --- | --- | --- |")
for n in (100, 1000):
    g = load("gate-n%dnofor.json" % n)
    vs = [rows[k] for k in rows if k[0] == n]
    if not g or not vs:
        continue
    tv = timev("gate-n%dnofor.timev" % n)
    vw = min(v["cycle_mean_s"] for v in vs)
    vc = min(v["eval_cpu_s_per_cycle"] for v in vs)
    vp = min(v["prom_extra_cpu_s_per_cycle"] for v in vs)
    vr = min(v["eval_hwm_bytes"] for v in vs) / 1024
    w, c, pc = g["wall_s"]["median"], g["cpu_s"]["mean"], g["prom_extra_cpu_s_per_run"]
    p("| %d | R2 wall ≤ 0.45 × vmalert cycle | %s ms | %s ms | %.2f | ≤ 0.45 | %s |" % (n, ms(w), ms(vw), w / vw, verdict(w <= 0.45 * vw)))
    p("| %d | R3 own CPU ≤ 0.25 × vmalert CPU/cycle | %s ms | %s ms | %.2f | ≤ 0.25 | %s |" % (n, ms(c), ms(vc), c / vc, verdict(c <= 0.25 * vc)))
    p("| %d | R4 Prometheus extra CPU ≤ under vmalert | %s ms | %s ms | %.2f | ≤ 1 | %s |" % (n, ms(pc), ms(vp), pc / vp, verdict(pc <= vp)))
    rss = tv["rss_kb"] if tv else g["maxrss_kb_wait4"]
    p("| %d | R5 peak RSS (reported) | %s MiB | %s MiB | %.2f | report | — |" % (n, mib(rss), mib(vr), rss / vr))
p("")

# --- concurrency sweep
p("### `--max-concurrency` (5 runs each; c=8 is the default row above, %d runs)" % (g8["runs"] if g8 else 0))
p("")
p("| set | c | wall median (ms) | wall min–max (ms) | own CPU (ms) | Prometheus extra CPU (ms) | Prometheus HTTP time/query (ms) | other load |")
p("| --- | --- | --- | --- | --- | --- | --- | --- |")
for n in (100, 1000):
    files = {8: "gate-n%dnofor.json" % n}
    for f in glob.glob(os.path.join(R, "gate-n%dnofor-c*.json" % n)):
        files[int(f.rsplit("-c", 1)[1].split(".")[0])] = os.path.basename(f)
    for c in sorted(files):
        g = load(files[c])
        if g:
            p("| n%d | %d | %s | %s–%s | %s | %s | %s | %.2f |" % (n, c, ms(g["wall_s"]["median"]), ms(g["wall_s"]["min"]), ms(g["wall_s"]["max"]),
                                                             ms(g["cpu_s"]["mean"]), ms(g["prom_extra_cpu_s_per_run"]), ms(g["prom_http_query"]["mean_s"], 2), g["other_load_cores"]))
g = load("gate-n1000for.json")
if g:
    p("| n1000 with `for` (range queries) | 8 | %s | %s–%s | %s | %s | %s (query_range) | %.2f |" % (
        ms(g["wall_s"]["median"]), ms(g["wall_s"]["min"]), ms(g["wall_s"]["max"]), ms(g["cpu_s"]["mean"]),
        ms(g["prom_extra_cpu_s_per_run"]), ms(g["prom_http_query_range"]["mean_s"], 2), g["other_load_cores"]))
p("")
loc = []
for lab in ("version", "lint-n100", "lint-n1000"):
    try:
        rows_ = [l.split() for l in open(os.path.join(R, "local-%s.txt" % lab)) if l.strip() and l[0].isdigit()]
    except OSError:
        continue
    import statistics
    loc.append((lab, statistics.median(float(r[0]) for r in rows_), statistics.median(float(r[1]) + float(r[2]) for r in rows_),
                max(int(r[3]) for r in rows_)))
if loc:
    p("aurora-gate without a server (10 runs each, `/usr/bin/time`; medians): process start and gate-file load + validation:")
    p("")
    p("| command | wall (ms) | user+sys CPU (ms) | max RSS (MiB) |")
    p("| --- | --- | --- | --- |")
    for lab, w, c, r in loc:
        p("| `aurora-gate %s` | %s | %s | %s |" % ({"version": "--version"}.get(lab, lab.replace("-", " ") + "nofor.yml"), ms(w), ms(c), mib(r)))
    p("")
for f in ("perf-n1000-dso.txt",):
    if os.path.exists(os.path.join(R, f)):
        p("perf (one n1000nofor run, `perf record -F 1999`, `perf report --sort dso`):")
        p("")
        p("```")
        p("\n".join(l for l in open(os.path.join(R, f)).read().splitlines() if not l.startswith("#"))[:1500])
        p("```")
print("\n".join(out))
