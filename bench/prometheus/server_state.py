#!/usr/bin/python3
"""Issue 12.12 benchmark driver (bench/prometheus/server_state.sh runs it).

  server_state.py --phase loaded|unloaded --rounds N --prom-url URL --gate BIN --rules FILE --out JSON
      N interleaved rounds (the order of the commands rotates each round, after 2 warm-up rounds):
        check          aurora-gate check FILE --prometheus URL
        check-replay   the same with --replay (phase loaded only: the server's state is not used)
        curl-loop      the five rule expressions (with their comparisons), sequential instant
                       queries, one curl process each (bash loop): what a script pays
        curl-keepalive the same five, one curl process, one kept-alive connection, sequential
      Before the rounds, one run of each aurora-gate command with --json: exit code, outcome and
      whether each rule's state came from the server. After them, TRACE_RUNS runs of `check` with
      AURORA_GATE_TRACE=1 (base/trace.h): where its wall goes, server answers vs our own work.
  server_state.py --summary VERSIONS LOADED UNLOADED     Markdown table of both phases.
Times are wall-clock (time.perf_counter) around each process, in ms."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

TRACE_RUNS = 12


def rule_exprs(path):
    """(name, expr) of each alert in a plain Prometheus rule file (the runbook's: one line each)."""
    out, name = [], None
    for line in open(path):
        s = line.strip()
        if s.startswith("- alert:"):
            name = s.split(":", 1)[1].strip()
        elif s.startswith("expr:") and name:
            out.append((name, s.split(":", 1)[1].strip()))
            name = None
    return out


def commands(a):
    exprs = rule_exprs(a.rules)
    urls = [a.prom_url + "/api/v1/query?" + urllib.parse.urlencode({"query": e}) for _, e in exprs]
    loop = "for u in " + " ".join("'%s'" % u for u in urls) + '; do curl -sf -o /dev/null "$u" || exit 1; done'
    keepalive = ["curl", "-sf"]
    for u in urls:
        keepalive += ["-o", "/dev/null", u]
    check = [a.gate, "check", a.rules, "--prometheus", a.prom_url, "--color", "never"]
    cmds = {"check": check}
    if a.phase == "loaded":
        cmds["check-replay"] = check + ["--replay"]
    cmds["curl-loop"] = ["bash", "-c", loop]
    cmds["curl-keepalive"] = keepalive
    return cmds, exprs


def timed(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - t0, p.returncode, p.stderr.decode(errors="replace")


def describe(cmd):
    """One run with --json: exit code, per rule outcome and where its state came from."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        p = subprocess.run(cmd + ["--json", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        rules = []
        try:
            rep = json.load(open(path))
            for g in rep["gates"]:
                for r in g["rules"]:
                    rules.append({"name": r["name"], "outcome": r["outcome"],
                                  "server_state": "server's own evaluation" in r.get("reason", ""),
                                  "step": r.get("step", ""),
                                  "series": len(r.get("series", []))})
        except (OSError, ValueError, KeyError) as e:
            rules.append({"error": str(e), "output": p.stdout.decode(errors="replace")[-2000:]})
        return {"exit": p.returncode, "rules": rules}


def trace(cmd):
    """AURORA_GATE_TRACE=1 runs: the trace's events relative to the spawn (ms)."""
    env = dict(os.environ, AURORA_GATE_TRACE="1")
    runs = []
    for n in range(TRACE_RUNS + 1):
        t0 = time.time()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        t1 = time.time()
        ev = []
        for line in p.stderr.decode(errors="replace").splitlines():
            f = line.split(" ", 3)
            if len(f) >= 4 and f[0] == "aurora-gate" and f[1] == "trace":
                ev.append((round((int(f[2]) / 1e6 - t0) * 1000, 2), f[3]))
        if n:
            runs.append({"wall_ms": round((t1 - t0) * 1000, 2), "events": ev})
    first = lambda r, w: next((t for t, e in r["events"] if e.split(" ")[0] == w), None)
    last = lambda r, w: next((t for t, e in reversed(r["events"]) if e.split(" ")[0] == w), None)
    split = []
    for r in runs:
        try:
            split.append({
                "start": first(r, "main"),
                "load": first(r, "gate-files-loaded") - first(r, "main"),
                "to_first_send": first(r, "send") - first(r, "gate-files-loaded"),
                "server": last(r, "done") - first(r, "send"),
                "after_last_answer": r["wall_ms"] - last(r, "done"),
                "wall": r["wall_ms"],
            })
        except TypeError:
            pass
    med = {k: round(statistics.median(s[k] for s in split), 2) for k in split[0]} if split else {}
    return {"median_ms": med, "runs": runs}


def stats(xs):
    xs = sorted(xs)
    q = statistics.quantiles(xs, n=4) if len(xs) >= 4 else [xs[0], statistics.median(xs), xs[-1]]
    return {"n": len(xs), "median": statistics.median(xs), "p25": q[0], "p75": q[2],
            "min": xs[0], "max": xs[-1], "all": xs}


def run_phase(a):
    cmds, exprs = commands(a)
    out = {"phase": a.phase, "commands": {k: " ".join(v) for k, v in cmds.items()},
           "exprs": exprs, "loadavg_start": open("/proc/loadavg").read().split()[:3]}
    out["describe"] = {k: describe(v) for k, v in cmds.items() if k.startswith("check")}
    names = list(cmds)
    times = {k: [] for k in names}
    ratios = {k: [] for k in names if k != "curl-loop"}
    exits = {k: set() for k in names}
    loads = []
    for rnd in range(a.rounds + 2):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        got = {}
        for k in order:
            t, rc, err = timed(cmds[k])
            got[k] = t
            exits[k].add(rc)
            if k.startswith("curl") and rc != 0:
                sys.exit("%s failed (%d): %s" % (k, rc, err[-500:]))
        if rnd < 2:
            continue
        loads.append(float(open("/proc/loadavg").read().split()[0]))
        for k in names:
            times[k].append(got[k] * 1000)
        for k in ratios:
            ratios[k].append(got[k] / got["curl-loop"])
    out["ms"] = {k: stats(v) for k, v in times.items()}
    out["ratio_to_curl_loop_per_round"] = {k: stats(v) for k, v in ratios.items()}
    out["exit_codes"] = {k: sorted(v) for k, v in exits.items()}
    out["loadavg1"] = stats(loads)
    out["trace_check"] = trace(cmds["check"])
    if "check-replay" in cmds:
        out["trace_check_replay"] = trace(cmds["check-replay"])
    json.dump(out, open(a.out, "w"), indent=1)


def summary(versions, loaded, unloaded):
    v, L, U = (json.load(open(p)) for p in (versions, loaded, unloaded))
    f = lambda s: "%.1f (%.1f–%.1f; %.1f–%.1f)" % (s["median"], s["p25"], s["p75"], s["min"], s["max"])
    r = lambda s: "%.2f (%.2f–%.2f)" % (s["median"], s["p25"], s["p75"])
    print("Run %s, aurora-gate %s (commit %s), %s, %d CPUs (%s)." % (
        v["date"], v["aurora-gate"], v["commit"], v["prometheus"], v["nproc"], v["cpu"]))
    print()
    print("| phase | command | ms: median (p25–p75; min–max) | ratio to curl loop, per round: median (p25–p75) | exit codes |")
    print("| --- | --- | --- | --- | --- |")
    for P in (L, U):
        for k, s in P["ms"].items():
            rr = P["ratio_to_curl_loop_per_round"].get(k)
            print("| %s | %s | %s | %s | %s |" % (P["phase"], k, f(s), r(rr) if rr else "1", P["exit_codes"][k]))
    print()
    for P in (L, U):
        print("%s: %d rounds, load average (1 min) median %.2f (%.2f–%.2f)" % (
            P["phase"], P["ms"]["check"]["n"], P["loadavg1"]["median"], P["loadavg1"]["min"], P["loadavg1"]["max"]))
        for k, d in P["describe"].items():
            rules = ", ".join("%s %s%s" % (x.get("name"), x.get("outcome"), " [server state]" if x.get("server_state") else "")
                              for x in d["rules"])
            print("  %s: exit %d; %s" % (k, d["exit"], rules))
        for k in ("trace_check", "trace_check_replay"):
            if k in P:
                print("  %s split (ms, medians of %d traced runs): %s" % (k, len(P[k]["runs"]), json.dumps(P[k]["median_ms"])))
    m = L["ms"]["check"]["median"] / L["ms"]["curl-loop"]["median"]
    rr = L["ratio_to_curl_loop_per_round"]["check"]["median"]
    print()
    print("Goal (rules loaded): check <= 1.2 x sequential instant queries (curl loop): "
          "median %.1f / %.1f ms = %.2f, per-round ratio median %.2f -> %s" % (
              L["ms"]["check"]["median"], L["ms"]["curl-loop"]["median"], m, rr,
              "met" if max(m, rr) <= 1.2 else "NOT met"))
    mk = L["ms"]["check"]["median"] / L["ms"]["curl-keepalive"]["median"]
    print("Against one kept-alive curl (no process per query): %.2f" % mk)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--prom-url")
    ap.add_argument("--gate")
    ap.add_argument("--rules")
    ap.add_argument("--out")
    ap.add_argument("--summary", nargs=3)
    a = ap.parse_args()
    if a.summary:
        summary(*a.summary)
    else:
        run_phase(a)


if __name__ == "__main__":
    main()
