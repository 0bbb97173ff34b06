#!/usr/bin/python3
"""bench/watch raw JSON ($AB/results) -> the "## watch" section of bench/RESULTS.md (markdown)."""
import glob
import json
import os
import sys

R = sys.argv[1]


def load(name):
    p = os.path.join(R, name)
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None


def ms(x):
    return "—" if x is None else "%.0f ms" % (1000 * x)


def mib(x):
    return "—" if x is None else "%.1f MiB" % (x / 1048576)


def ratio(a, b):
    return None if a is None or not b else a / b


def verdict(r, limit, le=True):
    if r is None:
        return "not measured"
    ok = r <= limit if le else r >= limit
    return "%.2f → %s" % (r, "met" if ok else "**NOT met**")


v = load("versions.json") or {}
base = load("baseline.json") or {}
out = ["## watch", ""]
out.append("`bench/watch/run.sh` (issue 4): `aurora-gate watch` and vmalert, one after the other against the "
           "same Prometheus (anchors' %s-series dataset) with the same generated rule files "
           "(`gen_rules.py` nN.yml, one group), same interval. Machine: %s, %s cores, %s, kernel %s; "
           "%s; %s. Load average at the start %s." % (
               "10k", v.get("cpu", "?"), v.get("nproc", "?"), v.get("mem", "?"), v.get("kernel", "?"),
               ", ".join("%s %s" % (k, v[k]) for k in ("prometheus", "victoria-metrics") if k in v),
               "aurora-gate release build at git %s when the last measure started (per-row builds under the table)" % v.get("git", "?"),
               v.get("loadavg_at_start", "?")))
out.append("")
out.append("Prometheus scrape-only baseline: %.3f CPU s/s over %.0f s." % (
    base.get("prom_cpu_s_per_s", float("nan")), base.get("window_s", 0)))
out.append("")
rows = []
for f in sorted(glob.glob(os.path.join(R, "vmalert-*.json")) + glob.glob(os.path.join(R, "aurora-*.json"))):
    if not os.path.getsize(f):
        continue  # a window that did not finish
    d = json.load(open(f))
    rows.append((os.path.basename(f)[:-5], d))
rows.sort(key=lambda x: (x[0].split("-")[1], x[0].split("-")[2], x[0].split("-")[0]))
def build(name):
    p = os.path.join(R, "build-%s.txt" % name)
    return open(p).read().strip().split(" ", 1)[0] if os.path.exists(p) else ("vmalert" if name.startswith("vmalert") else "?")


out.append("| run | build | interval | cycles | cycle mean | own CPU / cycle | Prometheus extra CPU / cycle | "
           "queries / cycle | RSS end (HWM) | RSS growth | fds start→end | missed (window) | other load (cores) | loadavg |")
out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for name, d in rows:
    out.append("| %s | %s | %gs | %d | %s | %s | %s | %.0f | %s (%s) | %s | %d→%d | %d | %.2f | %s |" % (
        name, build(name),
        d["interval_s"], d["cycles"], ms(d["cycle_mean_s"]), ms(d["eval_cpu_s_per_cycle"]),
        ms(d["prom_extra_cpu_s_per_cycle"]), d["http_queries_per_cycle"] or 0,
        mib(d["eval_rss_end_bytes"]), mib(d["eval_hwm_bytes"]), mib(d["eval_rss_growth_bytes"]),
        d["eval_fds_start"], d["eval_fds_end"], d["missed_cycles_window"], d["other_load_cores"],
        " ".join(d["loadavg"])))
out.append("")
builds = sorted(set(open(f).read().strip() for f in glob.glob(os.path.join(R, "build-*.txt"))))
if builds:
    out.append("aurora-gate builds: " + "; ".join("`%s`" % b for b in builds) + ".")
    out.append("")


def pair(set_, tag):
    return load("aurora-%s-%s.json" % (set_, tag)), load("vmalert-%s-%s.json" % (set_, tag))


out.append("Targets (issue 4), per repetition (aurora-gate / vmalert = ratio):")
out.append("")
tags = sorted({os.path.basename(f)[:-5].split("-")[2] for f in glob.glob(os.path.join(R, "aurora-n1000-r*.json"))},
              key=lambda t: int(t[1:]))
tags = [t for t in tags if all(pair("n1000", t))]
out.append("| target | " + " | ".join("%s (%s)" % (t, build("aurora-n1000-" + t)) for t in tags) + " |")
out.append("| --- |" + " --- |" * len(tags))
for label, key, limit in (("N=1000 cycle ≤ 0.45 × vmalert", "cycle_mean_s", 0.45),
                          ("N=1000 CPU/cycle ≤ 0.25 × vmalert", "eval_cpu_s_per_cycle", 0.25),
                          ("N=1000 Prometheus extra CPU ≤ 1 × under vmalert", "prom_extra_cpu_s_per_cycle", 1.0),
                          ("N=1000 RSS at the end of the window ≤ 1 × vmalert", "eval_rss_end_bytes", 1.0),
                          ("N=1000 peak RSS (HWM) ≤ 1 × vmalert", "eval_hwm_bytes", 1.0)):
    cells = []
    for t in tags:
        a, b = pair("n1000", t)
        fa, fb = a[key], b[key]
        f = mib if key.endswith("bytes") else ms
        cells.append("%s / %s = %s" % (f(fa), f(fb), verdict(ratio(fa, fb), limit)))
    out.append("| %s | %s |" % (label, " | ".join(cells)))
for t in sorted({os.path.basename(f)[:-5].split("-")[2] for f in glob.glob(os.path.join(R, "aurora-n5000-r*.json"))},
               key=lambda t: int(t[1:])):
    a5 = load("aurora-n5000-%s.json" % t)
    if not a5:
        continue
    # the vmalert run recorded nearest in time (tags are not shared between the tools)
    mine = os.path.getmtime(os.path.join(R, "aurora-n5000-%s.json" % t))
    others = sorted(glob.glob(os.path.join(R, "vmalert-n5000-r*.json")),
                    key=lambda f: abs(os.path.getmtime(f) - mine))
    b5 = load(os.path.basename(others[0])) if others else None
    out.append("| N=5000 at %gs: no missed cycle (%s) | aurora-gate missed %d of %d cycles (cycle %s, RSS %s)%s |" % (
        a5["interval_s"], build("aurora-n5000-" + t), a5["missed_cycles_window"], a5["cycles"],
        ms(a5["cycle_mean_s"]), mib(a5["eval_rss_end_bytes"]),
        "; vmalert missed %d in its window (cycle %s, RSS %s)" % (
            b5["missed_cycles_window"], ms(b5["cycle_mean_s"]), mib(b5["eval_rss_end_bytes"])) if b5 else ""))
out.append("")
s = load("soak.json")
if s:
    over = open(os.path.join(R, "soak-overrun-lines")).read().strip() if os.path.exists(os.path.join(R, "soak-overrun-lines")) else "?"
    out.append("Soak (%s, after a %s warm-up): %.0f s window, %d cycles completed, cycle mean %s, "
               "missed cycles in the window %d (counter total %d; %s \"evaluation cycle overran the interval\" "
               "log lines over the whole run); RSS %s → %s (growth %s; min/max over %d samples %s/%s); open fds "
               "between cycles %d in the first minute → %d in the last (%d while a cycle's connections are open); own CPU %s per cycle; Prometheus extra CPU %s per cycle; other load %.2f cores." % (
                   s["label"], "60 s", s["window_s"], s["cycles"], ms(s["cycle_mean_s"]),
                   s["missed_cycles_window"], s["missed_cycles_total"], over,
                   mib(s["eval_rss_start_bytes"]), mib(s["eval_rss_end_bytes"]), "%.0f KiB" % (s["eval_rss_growth_bytes"] / 1024),
                   len(s.get("samples", [])), mib(s.get("rss_min_bytes")), mib(s.get("rss_max_bytes")),
                   min(x["fds"] for x in s["samples"][:6]), min(x["fds"] for x in s["samples"][-6:]),
                   s.get("fds_max", -1),
                   ms(s["eval_cpu_s_per_cycle"]), ms(s["prom_extra_cpu_s_per_cycle"]), s["other_load_cores"]))
    out.append("")
print("\n".join(out))
