#!/usr/bin/python3
"""Time each request that aurora-gate sent (as logged by logproxy.py) alone, one at a time.

Per request, REPS times:
  curl      a new curl process and connection, the same method/path/body/headers
            (Accept-Encoding as aurora-gate sent it), `-w %{time_total}`
  server    the same request plus stats=all on a python keep-alive connection:
            Prometheus's own execTotalTime (requirement (a))
Prints JSON: per request the PromQL, endpoint, range parameters, result series, and
the medians; plus slowest_curl_median_s = max over requests of the curl medians.
usage: queries_alone.py LOG PROM_URL REPS"""
import json
import statistics
import subprocess
import sys
import tempfile
import urllib.parse

import requests

log, url, reps = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3])
reqs = [json.loads(l) for l in open(log) if l.strip()]
sess = requests.Session()
out = []
for r in reqs:
    form = dict(urllib.parse.parse_qsl(r["body"], keep_blank_values=True))
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(r["body"])
        bodyfile = f.name
    cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-X", r["method"],
           url + r["path"]]
    for k in ("content-type", "accept-encoding"):
        if k in r["headers"]:
            cmd += ["-H", "%s: %s" % (k, r["headers"][k])]
    if r["body"]:
        cmd += ["--data-binary", "@" + bodyfile]
    ts, size = [], 0
    for _ in range(reps):
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        t, size = p.stdout.split()
        ts.append(float(t))
    srv, nres = [], None
    for _ in range(reps):
        d = sess.post(url + r["path"], data=dict(form, stats="all")).json()["data"]
        srv.append(d["stats"]["timings"]["execTotalTime"])
        nres = len(d["result"])
    e = {"path": r["path"], "query": form.get("query"), "time": form.get("time"), "start": form.get("start"),
         "end": form.get("end"), "step": form.get("step"), "result_series": nres,
         "response_bytes_as_sent": int(size), "curl_s": {"median": statistics.median(ts), "min": min(ts), "max": max(ts), "n": reps},
         "server_exec_s": {"median": statistics.median(srv), "min": min(srv), "max": max(srv)}}
    out.append(e)
print(json.dumps({"requests": out, "n": len(out),
                  "slowest_curl_median_s": max(e["curl_s"]["median"] for e in out),
                  "sum_curl_median_s": sum(e["curl_s"]["median"] for e in out),
                  "slowest_server_exec_median_s": max(e["server_exec_s"]["median"] for e in out)}, indent=1))
