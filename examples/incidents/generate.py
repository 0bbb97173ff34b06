#!/usr/bin/env python3
"""Writes error-spike-2026-11-24.om: the recorded incident the README's
backtest example replays (OpenMetrics, for `promtool tsdb create-blocks-from
openmetrics`).

What it records: aurora-api (job="aurora-api", instance="api-1") scraped every
30 s from 14:00 to 14:45 UTC on 2026-11-24. A bad deploy at 14:15 starts
answering 12 % of requests with HTTP 500 from 14:20 until the rollback at
14:28; latency, XAI coverage, memory and CPU stay healthy. The series are
the ones gates/runbook/stop-conditions.yaml reads, shaped as the runbook's
exporters write them (reconstructed, not copied from a production system).

Regenerate: python3 examples/incidents/generate.py
"""
import os

START = 1795528800  # 2026-11-24T14:00:00Z
END = START + 45 * 60
STEP = 30
BAD_FROM = START + 20 * 60
BAD_TO = START + 28 * 60
API = 'job="aurora-api",instance="api-1"'

def counter(rate_at):
    """Cumulative values of a counter whose per-second rate is rate_at(t)."""
    value, out = 0.0, []
    for t in range(START, END + 1, STEP):
        out.append((t, value))
        value += rate_at(t) * STEP
    return out

def errors(t):
    return 1.2 if BAD_FROM <= t < BAD_TO else 0.0

families = {}  # family -> (type, [(series, [(t, v)])])

def add(family, kind, series, points):
    families.setdefault(family, (kind, []))[1].append((series, points))

add("http_requests", "counter", f'http_requests_total{{{API},status="200"}}',
    counter(lambda t: 10.0 - errors(t)))
add("http_requests", "counter", f'http_requests_total{{{API},status="500"}}',
    counter(errors))
for le, per_second in [("0.1", 6), ("0.25", 9), ("0.5", 10), ("1", 10),
                       ("2.5", 10), ("+Inf", 10)]:
    add("http_request_duration_seconds_bucket", "gauge",
        f'http_request_duration_seconds_bucket{{{API},le="{le}"}}',
        counter(lambda t, r=per_second: r))
add("aurora_trades", "counter", f'aurora_trades_total{{{API},desk="d1"}}',
    counter(lambda t: 2.0))
add("aurora_xai_events", "counter", f'aurora_xai_events_total{{{API},desk="d1"}}',
    counter(lambda t: 2.0))
add("process_cpu_seconds", "counter", f'process_cpu_seconds_total{{{API}}}',
    counter(lambda t: 0.05))
add("process_resident_memory_bytes", "gauge",
    f'process_resident_memory_bytes{{{API}}}',
    [(t, 2.0e8) for t in range(START, END + 1, STEP)])

lines = []
for family, (kind, series) in families.items():
    lines.append(f"# TYPE {family} {kind}")
    for name, points in series:
        for t, v in points:
            lines.append(f"{name} {v:.10g} {t}")
lines.append("# EOF")
path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "error-spike-2026-11-24.om")
with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
