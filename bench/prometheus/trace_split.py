#!/usr/bin/python3
"""Where the wall of one `aurora-gate check` goes: RUNS runs with AURORA_GATE_TRACE=1 (the
env-guarded trace of base/trace.h), split by the trace's timestamps against the spawn and
exit times seen here (unix µs, same clock):
  start       spawn -> `main` (exec, dynamic loading, static initialisers)
  load        main -> gate-files-loaded (yaml-cpp, validation, gate-file hash)
  client      -> http-client-ready (curl_global_init, multi/share handles)
  to_send     -> first `send`
  server      first send -> last `done` (the queries; all in flight together)
  tail        last done -> last rules-judged (parse/replay/judge of what came last)
  report      -> reports-written (terminal table, report files)
  exit        -> process gone (actions, destructors, exit)
  cpu         user+sys of the process (wait4 rusage)
usage: trace_split.py RUNS -- GATE_CMD...   Prints JSON (medians and every run)."""
import json
import os
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
cmd = sys.argv[sys.argv.index("--") + 1:]
env = dict(os.environ, AURORA_GATE_TRACE="1")
rows = []
for n in range(runs + 1):  # the first is a warm-up
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.time()
    p.returncode = os.waitstatus_to_exitcode(status)
    ev = []
    for line in err.splitlines():
        f = line.split(" ", 3)
        if len(f) >= 4 and f[0] == "aurora-gate" and f[1] == "trace":
            ev.append((int(f[2]) / 1e6, f[3]))
    t = lambda name: [ts for ts, w in ev if w.split(" ")[0] == name]
    try:
        row = {
            "start": t("main")[0] - t0,
            "load": t("gate-files-loaded")[0] - t("main")[0],
            "client": t("http-client-ready")[0] - t("gate-files-loaded")[0],
            "to_send": t("send")[0] - t("http-client-ready")[0],
            "server": t("done")[-1] - t("send")[0],
            "tail": t("rules-judged")[-1] - t("done")[-1],
            "report": t("reports-written")[0] - t("rules-judged")[-1],
            "exit": t1 - t("reports-written")[0],
            "wall": t1 - t0,
            "cpu": ru.ru_utime + ru.ru_stime,
            "loadavg1": float(open("/proc/loadavg").read().split()[0]),
            "exit_code": p.returncode,
            "done_order": [int(w.split(" ")[1]) for _, w in ev if w.startswith("done ")],
        }
    except IndexError:
        sys.exit("trace incomplete (is the binary built with base/trace.h?):\n" + err[-2000:])
    if n:
        rows.append(row)
keys = ["start", "load", "client", "to_send", "server", "tail", "report", "exit", "wall", "cpu", "loadavg1"]
print(json.dumps({"median_ms": {k: round(statistics.median(r[k] for r in rows) * (1 if k == "loadavg1" else 1000), 2) for k in keys},
                  "runs": rows}, indent=1))
