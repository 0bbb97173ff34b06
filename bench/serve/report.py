#!/usr/bin/python3
"""The "## serve (issue 16)" section of bench/RESULTS.md from bench/serve/run.sh's raw JSON (R dir)."""
import json
import os
import sys

R = sys.argv[1]


def load(name):
    p = os.path.join(R, name)
    return json.load(open(p)) if os.path.exists(p) else None


def lat(d, p):
    l = d["latency_ms"]
    return l.get(str(p), l.get(p))


v = load("versions.json") or {}
trace = load("trace.json")
trace_after = load("trace-after.json")
out = ["## serve (issue 16): `bench/serve/run.sh`", ""]
out.append(f"Run {v.get('date', '?')}, {v.get('cpu', '?')}, {v.get('nproc', '?')} cores, {v.get('mem', '?')}, "
           f"kernel {v.get('kernel', '?')}, load average at start {v.get('loadavg_at_start', '?')}; "
           f"{v.get('aurora-gate', '?')} ({v.get('build', '?')}, commit {v.get('commit', '?')}); "
           f"{v.get('prometheus', '?')}; wrk {v.get('wrk', '?')}. The runbook gate "
           "`gates/runbook/stop-conditions.yaml` (5 rules, 5 instant queries, `AURORA_JOB=aurora-api`) "
           "against one Prometheus holding the anchors' 10k-series dataset (6 h backfilled + live head).")
out.append("")
if trace:
    q = trace["query_ms"]["p50"]
    out.append(f"One `check`'s query time (AURORA_GATE_TRACE: first query sent -> last answer, "
               f"{trace['runs']} sequential runs): **p50 {q} ms** (p99 {trace['query_ms']['p99']}, "
               f"min {trace['query_ms']['min']}); the whole `check` process p50 {trace['wall_ms']['p50']} ms."
               + (f" After the load points: query p50 {trace_after['query_ms']['p50']} ms, process "
                  f"p50 {trace_after['wall_ms']['p50']} ms." if trace_after else ""))
    out.append("")
out.append("| c | what | req/s | p50 ms | p99 ms | p50 / check query p50 | errors | CPU cores: ours / Prometheus / client | load 1m |")
out.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |")
for c in (1, 8, 64):
    for name, label in ((f"serve-c{c}.json", "serve, distinct requests"),
                        (f"serve-shared-c{c}.json", "serve, identical requests (shared)"),
                        (f"check-c{c}.json", "`check` process per request")):
        d = load(name)
        if not d:
            continue
        cores = d["cpu_cores"]
        ours = cores.get("serve", cores.get("check processes"))
        client = cores.get("wrk", "-")
        if d["tool"] == "serve":
            n = d.get("serve_counts", {})
            errs = (f"non-2xx {d['non_2xx']}" + (f", {d['socket_errors']}" if d.get("socket_errors") else "")
                    + f"; evaluations {n.get('evaluations', '?')}, shared {n.get('shared', '?')}, "
                    f"deadline (undecided) {n.get('timeouts', '?')}, refused {n.get('refused', '?')}")
        else:
            errs = f"exit codes {d['exit_codes']}"
        ratio = round(lat(d, 50) / trace["query_ms"]["p50"], 2) if trace else "-"
        out.append(f"| {c} | {label} | {d['rps']} | {lat(d, 50)} | {lat(d, 99)} | {ratio} | {errs} | "
                   f"{ours} / {cores.get('prometheus', '-')} / {client} | {d['loadavg'][0]} |")
out.append("")
s = load("soak.json")
if s:
    r = s["rss_kib"]
    out.append(f"RSS soak: serve under wrk at c={s['conc']} (distinct requests) for {s['seconds']} s: "
               f"{s['requests']} requests ({s['rps']} req/s, non-2xx {s['non_2xx']}); VmRSS sampled every 10 s: "
               f"start {r['start']} KiB, end {r['end']} KiB, max {r['max']} KiB, growth {r['growth']} KiB "
               f"(second half {r['growth_second_half']} KiB).")
    out.append("")
for mode in ("idle", "slowloris", "none"):
    d = load(f"conns-{mode}.json")
    if not d:
        continue
    h = d["healthz_ms"]
    if mode == "none":
        out.append(f"The same /healthz probes with no connection held: {d['healthz_probes']} probes, "
                   f"p50 {h['p50']} ms, p99 {h['p99']} ms, max {h['max']} ms, over 100 ms {d['over_100ms']}.")
        out.append("")
        continue
    out.append(f"{d['conns']} {mode} connections for {d['seconds']} s: held min {d['held_min']} "
               f"(reopened {d['reopened']}, connect failures {d['connect_failures']}); /healthz "
               f"{d['healthz_probes']} probes: p50 {h['p50']} ms, p99 {h['p99']} ms, max {h['max']} ms, "
               f"over 100 ms or failed {d['over_100ms']}; serve threads max {d['serve_threads_max']}, "
               f"VmRSS max {d['serve_rss_kib_max']} KiB, fds max {d['serve_fds_max']}.")
    out.append("")
print("\n".join(out).rstrip("\n"))
