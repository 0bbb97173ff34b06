#!/usr/bin/python3
"""Requirement R1 with the machine's load shared fairly: ROUNDS rounds, each round in a
rotating order of
  alone     every request aurora-gate sent (logged by logproxy.py) with a new curl, one
            at a time (-w %{time_total});
  parallel  all of them at once from ONE curl process (--parallel --parallel-immediate,
            --parallel-max = aurora-gate's --max-concurrency): what a client that only
            sends and receives would pay for the same requests concurrently;
  gate      `aurora-gate check RULES --prometheus URL` (wall, fork to wait4).
Per round: slowest alone, gate wall, parallel wall; the ratios are per round, then medians.
When the gate binary writes AURORA_GATE_TRACE lines (base/trace.h), each round also records the
server's part of that run (first send -> last answer): gate_server_over_slowest is what R1 would
be with no client overhead at all.
With `-- GATE_CMD... --- OTHER_GATE_CMD...` a second binary (e.g. an older build) is timed in
the same rounds as "gate2" (ratios gate2_over_slowest, gate2_over_parallel).
usage: r1_paired.py LOG PROM_URL ROUNDS MAXCONC -- GATE_CMD... [--- GATE2_CMD...]   Prints JSON."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

log, url, rounds, conc = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3]), int(sys.argv[4])
gate = sys.argv[sys.argv.index("--") + 1:]
gate2 = None
if "---" in gate:
    gate, gate2 = gate[:gate.index("---")], gate[gate.index("---") + 1:]
reqs = [json.loads(l) for l in open(log) if l.strip()]
tmp = tempfile.mkdtemp(prefix="r1paired")
files = []
for i, r in enumerate(reqs):
    p = os.path.join(tmp, "body%d" % i)
    open(p, "w").write(r["body"])
    files.append(p)


def curl_args(i, r):
    a = ["-X", r["method"], url + r["path"], "-o", "/dev/null"]
    for k in ("content-type", "accept-encoding"):
        if k in r["headers"]:
            a += ["-H", "%s: %s" % (k, r["headers"][k])]
    return a + (["--data-binary", "@" + files[i]] if r["body"] else [])


def alone():
    ts = []
    for i, r in enumerate(reqs):
        p = subprocess.run(["curl", "-s", "-w", "%{time_total}"] + curl_args(i, r), capture_output=True, text=True, check=True)
        ts.append(float(p.stdout))
    return ts


def parallel():
    cmd = ["curl", "-s", "--parallel", "--parallel-immediate", "--parallel-max", str(conc)]
    for i, r in enumerate(reqs):
        if i:
            cmd.append("--next")
        cmd += curl_args(i, r)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


server_times = []  # per run of `gate`: first send -> last answer, from its AURORA_GATE_TRACE lines


def run_gate(cmd=None):
    env = dict(os.environ, AURORA_GATE_TRACE="1") if cmd is None else None
    t0 = time.perf_counter()
    p = subprocess.run(cmd or gate, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    if cmd is None:
        ev = [l.split(" ", 3) for l in p.stderr.decode(errors="replace").splitlines() if l.startswith("aurora-gate trace ")]
        sends = [int(e[2]) for e in ev if e[3].startswith("send ")]
        dones = [int(e[2]) for e in ev if e[3].startswith("done ")]
        server_times.append((max(dones) - min(sends)) / 1e6 if sends and dones else None)
    return wall


run_gate(); alone(); parallel()  # warm-up
if gate2:
    run_gate(gate2)
rows = []
base = ["alone", "gate", "parallel"] + (["gate2"] if gate2 else [])
order = [tuple(base[i:] + base[:i]) for i in range(len(base))]
for k in range(rounds):
    row = {}
    for what in order[k % 3]:
        row[what] = {"alone": alone, "gate": run_gate, "parallel": parallel,
                     "gate2": lambda: run_gate(gate2)}[what]()
    row["loadavg1"] = float(open("/proc/loadavg").read().split()[0])
    row["slowest_alone"] = max(row["alone"])
    row["gate_over_slowest"] = row["gate"] / row["slowest_alone"]
    row["parallel_over_slowest"] = row["parallel"] / row["slowest_alone"]
    row["gate_over_parallel"] = row["gate"] / row["parallel"]
    # The server's part of that aurora-gate run (its own trace): what no client can shorten.
    row["gate_server"] = server_times[-1]
    if row["gate_server"]:
        row["gate_server_over_slowest"] = row["gate_server"] / row["slowest_alone"]
    if gate2:
        row["gate2_over_slowest"] = row["gate2"] / row["slowest_alone"]
        row["gate2_over_parallel"] = row["gate2"] / row["parallel"]
    rows.append(row)
med = lambda k: statistics.median(r[k] for r in rows)
print(json.dumps({"rounds": rows, "n_requests": len(reqs), "max_concurrency": conc,
                  "median": {k: med(k) for k in ("slowest_alone", "gate", "parallel", "gate_over_slowest", "parallel_over_slowest", "gate_over_parallel", "loadavg1")
                             + (("gate_server", "gate_server_over_slowest") if all(r.get("gate_server") for r in rows) else ())
                             + (("gate2", "gate2_over_slowest", "gate2_over_parallel") if gate2 else ())},
                  "median_alone_per_request": [statistics.median(r["alone"][i] for r in rows) for i in range(len(reqs))],
                  "loadavg": open("/proc/loadavg").read().split()[:3]}, indent=1))
