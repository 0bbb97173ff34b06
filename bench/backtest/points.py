#!/usr/bin/python3
"""Points each tool's range reads return, counted independently of both tools.

usage: points.py PROM_URL RULES.tsv RULES.yml FROM TO > points.json
vmalert -replay reads each rule over [FROM, TO] at 15 s; aurora-gate backtest over
[FROM - ceil(for + 15 s), TO] (the history that settles `for` at FROM). Both windows are
queried here with one range query per rule (python requests), and the series and points
summed, to set beside aurora-gate's own count (its trace line `backtest-read`).
"""
import json
import math
import re
import sys
from datetime import datetime, timezone

import requests

url, tsv, yml, t_from, t_to = sys.argv[1:6]


def ts(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


def seconds(d):
    return sum(int(n) * {"s": 1, "m": 60, "h": 3600}[u] for n, u in re.findall(r"(\d+)([smh])", d))


fors = re.findall(r"^\s+for: (\S+)$", open(yml).read(), re.M)
exprs = [line.rstrip("\n").split("\t", 1)[1] for line in open(tsv)]
assert len(fors) == len(exprs), (len(fors), len(exprs))
start, end = ts(t_from), ts(t_to)
s = requests.Session()
out = {"rules": len(exprs), "vmalert_window": {"series": 0, "points": 0},
       "aurora_window": {"series": 0, "points": 0}}
for expr, f in zip(exprs, fors):
    history = math.ceil((seconds(f) + 15) / 15) * 15
    for key, a in (("vmalert_window", start), ("aurora_window", start - history)):
        r = s.get(url + "/api/v1/query_range",
                  params={"query": expr, "start": a, "end": end, "step": 15}).json()
        res = r["data"]["result"]
        out[key]["series"] += len(res)
        out[key]["points"] += sum(len(x["values"]) for x in res)
print(json.dumps(out, indent=1))
