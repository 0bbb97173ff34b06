#!/usr/bin/python3
"""One evaluator (vmalert or `aurora-gate watch`) over a window of K evaluation cycles, both
measured the same way; or a soak of `aurora-gate watch` over a fixed time.

  --mode vmalert   cycles/durations from vmalert_iteration_duration_seconds_{count,sum},
                   missed from vmalert_iteration_missed_total
  --mode aurora    cycles/durations from aurora_gate_cycle_duration_seconds_{count,sum},
                   missed from aurora_gate_missed_cycles_total
  --mode soak      aurora: after --warmup-seconds, a window of --seconds; RSS and open fds sampled
                   every --sample seconds (growth = end - start of the window)

CPU of the evaluator and of Prometheus from /proc/PID/stat (utime+stime) at the window edges only,
so that measuring does not load either; Prometheus' extra CPU = its CPU above the scrape-only
baseline (the anchors' `measure.py --mode baseline`). RSS/HWM from /proc/PID/status, open
descriptors from /proc/PID/fd. Helpers (parse_metrics, msum, proc, sys_busy) are the anchors'.
Prints one JSON object.
"""
import argparse
import json
import os
import sys
import time

import requests

sys.path.insert(0, os.environ.get("ANCHORS", "/work/shared/bench/anchors"))
from measure import msum, parse_metrics, proc, sys_busy  # noqa: E402

KEYS = {
    "vmalert": ("vmalert_iteration_duration_seconds", "vmalert_iteration_missed_total"),
    "aurora": ("aurora_gate_cycle_duration_seconds", "aurora_gate_missed_cycles_total"),
}
KEYS["soak"] = KEYS["aurora"]


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Snap:
    def __init__(self, a):
        self.t = time.time()
        self.busy = sys_busy()
        self.prom = parse_metrics(requests.get(a.prom_url + "/metrics", timeout=30).text)
        self.ev = parse_metrics(requests.get(a.eval_url + "/metrics", timeout=60).text)
        self.pp = proc(a.prom_pid)
        self.ep = proc(a.eval_pid)
        self.fds = fds(a.eval_pid)
        hist, missed = KEYS[a.mode]
        self.count = msum(self.ev, hist + "_count")
        self.sum = msum(self.ev, hist + "_sum")
        self.missed = msum(self.ev, missed)
        self.queries = msum(self.prom, "prometheus_http_requests_total", handler="/api/v1/query")
        self.query_s = msum(self.prom, "prometheus_http_request_duration_seconds_sum", handler="/api/v1/query")


def count_now(a):
    key = KEYS[a.mode][0] + "_count"
    c = 0.0
    for line in requests.get(a.eval_url + "/metrics", timeout=60).text.splitlines():
        if line.startswith(key):
            c += float(line.rsplit(" ", 1)[1])
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["vmalert", "aurora", "soak"], required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--prom-url", required=True)
    ap.add_argument("--eval-url", required=True)
    ap.add_argument("--prom-pid", type=int, required=True)
    ap.add_argument("--eval-pid", type=int, required=True)
    ap.add_argument("--interval", type=float, default=15.0)
    ap.add_argument("--warmup", type=int, default=2, help="cycles to let pass before the window")
    ap.add_argument("--cycles", type=int, default=6, help="cycles in the window")
    ap.add_argument("--warmup-seconds", type=float, default=60.0, help="soak: before the window")
    ap.add_argument("--seconds", type=float, default=600.0, help="soak: window length")
    ap.add_argument("--sample", type=float, default=10.0, help="soak: RSS/fd sampling period")
    ap.add_argument("--baseline", required=True, help="baseline JSON (Prometheus CPU/s while only scraping)")
    ap.add_argument("--max-wait", type=float, default=600.0)
    a = ap.parse_args()
    base_rate = json.load(open(a.baseline))["prom_cpu_s_per_s"]
    t_start = time.time()
    deadline = t_start + a.max_wait
    samples = []
    if a.mode == "soak":
        while time.time() < t_start + a.warmup_seconds:
            time.sleep(1.0)
        s0 = Snap(a)
        end = s0.t + a.seconds
        while time.time() < end:
            p = proc(a.eval_pid)
            samples.append({"t": round(time.time() - s0.t, 1), "rss": p["rss"], "fds": fds(a.eval_pid)})
            time.sleep(min(a.sample, max(0.0, end - time.time())))
        s1 = Snap(a)
    else:
        c_init = count_now(a)
        while count_now(a) < c_init + a.warmup and time.time() < deadline:
            time.sleep(1.0)
        c_now = count_now(a)  # start the window right after a cycle completes
        while time.time() < deadline and count_now(a) <= c_now:
            time.sleep(0.25)
        s0 = Snap(a)
        time.sleep(max(0.0, a.cycles * a.interval - 2.0))
        while count_now(a) < s0.count + a.cycles and time.time() < deadline + a.cycles * a.interval:
            time.sleep(0.5)
        s1 = Snap(a)
    wall = s1.t - s0.t
    n = s1.count - s0.count
    prom_cpu = s1.pp["cpu"] - s0.pp["cpu"]
    ev_cpu = s1.ep["cpu"] - s0.ep["cpu"]
    res = {
        "label": a.label, "mode": a.mode, "interval_s": a.interval, "window_s": round(wall, 2),
        "cycles": n,
        "cycle_mean_s": (s1.sum - s0.sum) / n if n else None,
        "missed_cycles_window": s1.missed - s0.missed,
        "missed_cycles_total": s1.missed,
        "eval_cpu_s_per_cycle": ev_cpu / n if n else None,
        "eval_cpu_s": ev_cpu,
        "prom_extra_cpu_s_per_cycle": (prom_cpu - base_rate * wall) / n if n else None,
        "prom_cpu_s": prom_cpu, "prom_baseline_cpu_s_per_s": base_rate,
        "http_queries_per_cycle": (s1.queries - s0.queries) / n if n else None,
        "http_query_mean_s": (s1.query_s - s0.query_s) / (s1.queries - s0.queries) if s1.queries > s0.queries else None,
        "eval_rss_start_bytes": s0.ep["rss"], "eval_rss_end_bytes": s1.ep["rss"],
        "eval_rss_growth_bytes": s1.ep["rss"] - s0.ep["rss"],
        "eval_hwm_bytes": s1.ep["hwm"],
        "eval_fds_start": s0.fds, "eval_fds_end": s1.fds,
        "machine_busy_cores": (s1.busy - s0.busy) / wall,
        "other_load_cores": (s1.busy - s0.busy - ev_cpu - prom_cpu) / wall,
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    if samples:
        res["samples"] = samples
        res["rss_min_bytes"] = min(x["rss"] for x in samples)
        res["rss_max_bytes"] = max(x["rss"] for x in samples)
        res["fds_max"] = max(x["fds"] for x in samples)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
