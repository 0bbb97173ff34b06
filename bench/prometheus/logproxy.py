#!/usr/bin/python3
"""Loopback logging proxy: forwards every request to Prometheus unchanged and appends
one JSON line per request (method, path, body, the request headers that shape the
response) to LOG. Used once per rule set to record exactly what aurora-gate sends;
never on a timed path.
usage: logproxy.py LISTEN_PORT UPSTREAM_URL LOG"""
import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, UP, LOG = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
KEEP = ("content-type", "accept-encoding", "user-agent")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _fwd(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        with lock, open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body.decode(),
                                "headers": {k.lower(): v for k, v in hdrs.items() if k.lower() in KEEP}}) + "\n")
        c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=120)
        c.request(self.command, self.path, body=body or None, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        c.close()

    do_GET = do_POST = _fwd


ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
