#!/usr/bin/python3
"""Time a one-shot command (aurora-gate check ...) RUNS times, one after another.

Per run: wall (perf_counter around fork..wait4), user+sys CPU and max RSS from wait4's
rusage, exit code. (wait4's max RSS here carries the forking python's pages, ~28 MB
for any run: the RSS figures come from a separate /usr/bin/time -v run.) Over the measured runs: Prometheus's
CPU from /proc/PID/stat minus its scrape-only baseline rate x the window, per run
(the query cost the command causes), and Prometheus's own HTTP time for
/api/v1/query and /api/v1/query_range from its /metrics.
usage: oneshot.py --label L --runs N --warmup W --prom-pid P --baseline B.json -- CMD...
Prints one JSON object."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.environ.get("ANCHORS", "/work/shared/bench/anchors"))
import requests  # noqa: E402
from measure import msum, parse_metrics, proc, sys_busy  # noqa: E402  (anchor helpers, read-only)


def prom_q(url):
    ms = parse_metrics(requests.get(url + "/metrics", timeout=30).text)
    out = {}
    for h in ("/api/v1/query", "/api/v1/query_range"):
        out[h] = (msum(ms, "prometheus_http_requests_total", handler=h),
                  msum(ms, "prometheus_http_request_duration_seconds_sum", handler=h))
    return out


def run1(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "user": ru.ru_utime, "sys": ru.ru_stime,
            "maxrss_kb": ru.ru_maxrss, "exit": os.waitstatus_to_exitcode(status), "stderr": err.decode()[-300:]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--prom-url", default="http://127.0.0.1:19090")
    ap.add_argument("--prom-pid", type=int, required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    for _ in range(a.warmup):
        run1(a.cmd)
    base = json.load(open(a.baseline))["prom_cpu_s_per_s"]
    q0, p0, b0, t0 = prom_q(a.prom_url), proc(a.prom_pid), sys_busy(), time.time()
    runs = [run1(a.cmd) for _ in range(a.runs)]
    t1, b1, p1, q1 = time.time(), sys_busy(), proc(a.prom_pid), prom_q(a.prom_url)
    window = t1 - t0
    walls = sorted(r["wall"] for r in runs)
    cpus = [r["cpu"] for r in runs]
    own_busy = sum(cpus) + (p1["cpu"] - p0["cpu"])
    res = {"label": a.label, "cmd": " ".join(a.cmd), "runs": a.runs, "warmup": a.warmup,
           "wall_s": {"median": statistics.median(walls), "mean": statistics.fmean(walls), "min": walls[0],
                      "max": walls[-1], "sd": statistics.pstdev(walls)},
           "cpu_s": {"median": statistics.median(cpus), "mean": statistics.fmean(cpus)},
           "user_s_mean": statistics.fmean(r["user"] for r in runs),
           "sys_s_mean": statistics.fmean(r["sys"] for r in runs),
           "maxrss_kb_wait4": max(r["maxrss_kb"] for r in runs),  # inflated: see docstring
           "exit_codes": sorted({r["exit"] for r in runs}),
           "stderr_sample": runs[-1]["stderr"],
           "window_s": window,
           "prom_extra_cpu_s_per_run": ((p1["cpu"] - p0["cpu"]) - base * window) / a.runs,
           "machine_busy_cores": (b1 - b0) / window,
           "other_load_cores": max(0.0, (b1 - b0 - own_busy) / window),
           "loadavg": open("/proc/loadavg").read().split()[:3]}
    for h in q0:
        n = q1[h][0] - q0[h][0]
        res["prom_http" + h.replace("/api/v1/", "_")] = {"per_run": n / a.runs, "mean_s": (q1[h][1] - q0[h][1]) / n if n else None}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
