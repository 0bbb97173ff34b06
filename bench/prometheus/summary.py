#!/usr/bin/python3
"""One verdict table per requirement across several runs of run.sh (each run's own vmalert,
floor and aurora-gate figures; nothing is mixed between runs).
usage: summary.py LABEL=RESULTS_DIR ...   (markdown on stdout)"""
import json
import os
import re
import sys

runs = [a.split("=", 1) for a in sys.argv[1:]]


def load(d, n):
    try:
        return json.load(open(os.path.join(d, n)))
    except (OSError, ValueError):
        return None


def rss_kb(d, n):
    try:
        return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(os.path.join(d, n)).read()).group(1))
    except (OSError, AttributeError):
        return None


def v(ok):
    return "met" if ok else "**NOT met**"


print("| requirement | " + " | ".join(l for l, _ in runs) + " |")
print("| --- |" + " --- |" * len(runs))
row = lambda name, cells: print("| %s | %s |" % (name, " | ".join(cells)))
cells = []
for _, d in runs:
    al, g = load(d, "alone-runbook.json"), load(d, "gate-runbook.json")
    w, s = g["wall_s"]["median"], al["slowest_curl_median_s"]
    cells.append("%.0f / %.0f ms = %.2f → %s" % (w * 1e3, s * 1e3, w / s, v(w <= 1.2 * s)))
row("R1 runbook: check wall / slowest query alone ≤ 1.2 (separate blocks)", cells)
cells = []
for _, d in runs:
    rp = load(d, "r1paired.json")
    if not rp:
        cells.append("(not measured)")
        continue
    m = rp["median"]
    cells.append("%.0f / %.0f ms = %.2f → %s; curl --parallel %.2f" % (m["gate"] * 1e3, m["slowest_alone"] * 1e3, m["gate_over_slowest"],
                                                                    v(m["gate_over_slowest"] <= 1.2), m["parallel_over_slowest"]))
row("R1 runbook, paired rounds (median of per-round ratios)", cells)
for n in (100, 1000):
    for key, name, lim in (("wall", "R2 wall / vmalert cycle ≤ 0.45", 0.45), ("cpu", "R3 own CPU / vmalert CPU ≤ 0.25", 0.25),
                           ("prom", "R4 Prometheus extra CPU / under vmalert ≤ 1", 1.0), ("rss", "R5 peak RSS / vmalert HWM (report)", None)):
        cells = []
        for _, d in runs:
            g = load(d, "gate-n%dnofor.json" % n)
            vs = [x for x in (load(d, "vmalert-n%d.json" % n), load(d, "vmalert-n%dnofor.json" % n)) if x]
            if not g or not vs:
                cells.append("—")
                continue
            a, b = {"wall": (g["wall_s"]["median"], min(x["cycle_mean_s"] for x in vs)),
                    "cpu": (g["cpu_s"]["mean"], min(x["eval_cpu_s_per_cycle"] for x in vs)),
                    "prom": (g["prom_extra_cpu_s_per_run"], min(x["prom_extra_cpu_s_per_cycle"] for x in vs)),
                    "rss": ((rss_kb(d, "gate-n%dnofor.timev" % n) or 0) / 1024.0, min(x["eval_hwm_bytes"] for x in vs) / 2.0 ** 20)}[key]
            unit = "MiB" if key == "rss" else "ms"
            k = 1 if key == "rss" else 1e3
            cells.append("%.0f / %.0f %s = %.2f%s" % (a * k, b * k, unit, a / b, "" if lim is None else " → " + v(a <= lim * b)))
        row("N=%d %s" % (n, name), cells)
cells = []
for _, d in runs:
    g = load(d, "gate-n1000nofor.json")
    cells.append("%.2f" % g["other_load_cores"] if g else "—")
row("other tenants' load during aurora-gate n1000 (cores of 2)", cells)
