#!/usr/bin/python3
"""Load points for bench/serve/run.sh; each prints one JSON object.

  load.py serve --url URL --conc C --seconds S [--shared] --pids serve=PID,prometheus=PID
      wrk (bench/serve/evaluate.lua) POSTs /api/v1/evaluate for the stop-conditions gate at
      concurrency C for S seconds: req/s, p50/p99 (wrk's), errors; CPU seconds of each pid over
      the window (from /proc/PID/stat) and of wrk itself. Distinct bodies by default (every
      request its own evaluation); --shared: identical bodies (concurrent ones share one).
  load.py check --gate BIN --file GATE --conc C --seconds S --pids prometheus=PID -- ARGS...
      `aurora-gate check GATE ARGS` as one process per request, C at once, for S seconds;
      the CPU of the check processes from RUSAGE_CHILDREN.
  load.py trace --gate BIN --file GATE --runs N -- ARGS...
      N sequential checks with AURORA_GATE_TRACE=1: per run the process wall and the query time
      (first query sent -> last answer received, base/curl_http_client.cc trace lines).
  load.py soak --url URL --conc C --seconds S --pid PID --every 10
      wrk for S seconds at concurrency C; VmRSS/Threads/fds of PID every --every seconds.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time

ME = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / TICK  # utime, stime
    except OSError:
        return None


def status(pid):
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            k, _, v = line.partition(":")
            if k in ("VmRSS", "Threads"):
                out[k] = int(v.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        pass
    return out


def parse_pids(s):
    return {k: int(v) for k, v in (p.split("=") for p in s.split(",") if p)} if s else {}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))] if xs else None


def wrk_ms(text):
    """wrk's '  50%  12.34ms' lines -> {50: 12.34, ...} in ms."""
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}
    out = {}
    for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
        out[int(p)] = round(float(v) * unit[u], 3)
    return out


def run_wrk(url, conc, seconds, shared):
    threads = max(1, min(2, conc))
    env = dict(os.environ, BENCH_SHARED="1" if shared else "0")
    cmd = ["wrk", "-t", str(threads), "-c", str(conc), "-d", f"{seconds}s", "--latency",
           "--timeout", "30s", "-s", os.path.join(ME, "evaluate.lua"), url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = p.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
    total = re.search(r"(\d+) requests in", t)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    sockerr = re.search(r"Socket errors: (.*)", t)
    return {
        "cmd": " ".join(cmd), "rps": float(rps.group(1)) if rps else None,
        "requests": int(total.group(1)) if total else None,
        "latency_ms": wrk_ms(t), "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sockerr.group(1).strip() if sockerr else None,
        "wrk_cpu_s": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2),
        "wrk_stdout": t,
    }


def serve_counters(url):
    """serve's own counts (/metrics): evaluations run and shared, refused (queue full), answered
    undecided at the --request-timeout deadline."""
    import urllib.request
    text = urllib.request.urlopen(url.rstrip("/") + "/metrics", timeout=10).read().decode()
    names = {'aurora_gate_serve_evaluations_total{shared="false"}': "evaluations",
             'aurora_gate_serve_evaluations_total{shared="true"}': "shared",
             "aurora_gate_serve_rejected_total": "refused",
             "aurora_gate_serve_timeouts_total": "timeouts"}
    out = {}
    for line in text.splitlines():
        k, _, v = line.rpartition(" ")
        if k in names:
            out[names[k]] = float(v)
    return out


def drain(url, quiet=2.0, limit=300):
    """Waits until serve has finished what an earlier load point left (evaluations whose client
    is gone still run): its evaluation counts unchanged for `quiet` seconds."""
    last, since, end = None, time.monotonic(), time.monotonic() + limit
    while time.monotonic() < end:
        n = serve_counters(url)
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def serve(a):
    pids = parse_pids(a.pids)
    drain(a.url)
    n0 = serve_counters(a.url)
    c0 = {k: cpu_seconds(v) for k, v in pids.items()}
    t0 = time.monotonic()
    out = run_wrk(a.url, a.conc, a.seconds, a.shared)
    wall = time.monotonic() - t0
    c1 = {k: cpu_seconds(v) for k, v in pids.items()}
    n1 = serve_counters(a.url)
    out["serve_counts"] = {k: int(n1[k] - n0.get(k, 0)) for k in n1}
    out.update(tool="serve", conc=a.conc, seconds=a.seconds, wall_s=round(wall, 2), shared=a.shared,
               cpu_cores={k: round((c1[k] - c0[k]) / wall, 3) for k in pids if c0[k] is not None and c1[k] is not None},
               loadavg=open("/proc/loadavg").read().split()[:3])
    out["cpu_cores"]["wrk"] = round(out["wrk_cpu_s"] / wall, 3)
    return out


def check(a):
    pids = parse_pids(a.pids)
    cmd = [a.gate, "check", a.file] + a.args
    lat, exits = [], {}
    lock = threading.Lock()
    end = time.monotonic() + a.seconds

    def worker():
        while time.monotonic() < end:
            s = time.monotonic()
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            took = time.monotonic() - s
            with lock:
                lat.append(took)
                exits[p.returncode] = exits.get(p.returncode, 0) + 1

    c0 = {k: cpu_seconds(v) for k, v in pids.items()}
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(a.conc)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c1 = {k: cpu_seconds(v) for k, v in pids.items()}
    cores = {k: round((c1[k] - c0[k]) / wall, 3) for k in pids if c0[k] is not None and c1[k] is not None}
    cores["check processes"] = round(((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)) / wall, 3)
    return {"tool": "check", "conc": a.conc, "seconds": a.seconds, "wall_s": round(wall, 2),
            "cmd": " ".join(cmd), "requests": len(lat), "rps": round(len(lat) / wall, 2),
            "latency_ms": {50: round(pct(lat, 50) * 1e3, 3), 99: round(pct(lat, 99) * 1e3, 3)},
            "exit_codes": exits, "cpu_cores": cores,
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def trace(a):
    cmd = [a.gate, "check", a.file] + a.args
    env = dict(os.environ, AURORA_GATE_TRACE="1")
    walls, queries, exits = [], [], {}
    for _ in range(a.runs):
        s = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
        walls.append(time.monotonic() - s)
        exits[p.returncode] = exits.get(p.returncode, 0) + 1
        ev = [l.split(" ", 3) for l in p.stderr.splitlines() if l.startswith("aurora-gate trace ")]
        sends = [int(e[2]) for e in ev if e[3].startswith("send ")]
        dones = [int(e[2]) for e in ev if e[3].startswith("done ")]
        if sends and dones:
            queries.append((max(dones) - min(sends)) / 1e6)
    ms = lambda xs, p: round(pct(xs, p) * 1e3, 3)
    return {"tool": "check-trace", "runs": a.runs, "cmd": " ".join(cmd), "exit_codes": exits,
            "queries_per_run": len(sends) if queries else 0,
            "query_ms": {"p50": ms(queries, 50), "p99": ms(queries, 99), "min": round(min(queries) * 1e3, 3)},
            "wall_ms": {"p50": ms(walls, 50), "p99": ms(walls, 99)},
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def soak(a):
    samples = []
    stop = threading.Event()

    def sampler():
        t0 = time.monotonic()
        while True:
            s = status(a.pid)
            s["t"] = round(time.monotonic() - t0, 1)
            samples.append(s)
            if stop.wait(a.every):
                break

    th = threading.Thread(target=sampler)
    th.start()
    out = run_wrk(a.url, a.conc, a.seconds, a.shared)
    stop.set()
    th.join()
    samples.append(dict(status(a.pid), t="end"))
    rss = [s["VmRSS"] for s in samples if "VmRSS" in s]
    out.pop("wrk_stdout")
    out.update(tool="soak", conc=a.conc, seconds=a.seconds, samples=samples,
               rss_kib={"start": rss[0], "end": rss[-1], "max": max(rss), "min": min(rss),
                        "growth": rss[-1] - rss[0],
                        # growth over the second half: a leak keeps growing, warm-up does not
                        "growth_second_half": rss[-1] - rss[len(rss) // 2]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "check", "trace", "soak"])
    ap.add_argument("--url")
    ap.add_argument("--gate")
    ap.add_argument("--file")
    ap.add_argument("--conc", type=int, default=1)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--shared", action="store_true")
    ap.add_argument("--pids", default="")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--every", type=float, default=10)
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    a.args = rest  # what follows "--": the check's own arguments
    print(json.dumps(globals()[a.mode](a), indent=1))


if __name__ == "__main__":
    main()
