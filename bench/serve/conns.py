#!/usr/bin/python3
"""Hostile-connection probe for `aurora-gate serve` (issue 16: "10 000 concurrent connections ...
the service keeps answering /healthz within 100 ms throughout").

Holds --conns connections open to serve for --seconds (a connection the server closes is opened
again at once, so the count stays at --conns: what a client that keeps reconnecting does), each
either idle (connected, sends nothing) or slowloris (a partial request header, one more byte every
--trickle seconds). Meanwhile a probe thread asks GET /healthz on a fresh connection every
--probe-interval seconds and times the full answer. Samples serve's Threads/VmRSS/fds from /proc.
Prints one JSON object: connections held, reopened, /healthz p50/p99/max, probe failures,
serve threads/RSS.

  conns.py --port 19594 --pid PID --conns 10000 --mode idle --seconds 30
"""
import argparse
import json
import os
import resource
import selectors
import socket
import statistics
import threading
import time


def proc_status(pid):
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            k, _, v = line.partition(":")
            if k in ("Threads", "VmRSS"):
                out[k] = int(v.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        pass
    return out


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, default=0, help="serve's pid (Threads/VmRSS/fds samples)")
    ap.add_argument("--conns", type=int, default=10000)
    ap.add_argument("--mode", choices=["idle", "slowloris"], default="idle")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--trickle", type=float, default=1.0)
    ap.add_argument("--probe-interval", type=float, default=0.05)
    ap.add_argument("--probe-timeout", type=float, default=5.0)
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, a.conns + 1024)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    sel = selectors.DefaultSelector()
    socks = set()
    stats = {"opened": 0, "reopened": 0, "connect_failures": 0}
    prefix = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "

    def open_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((a.host, a.port))
            if a.mode == "slowloris":
                s.sendall(prefix)
        except OSError:
            s.close()
            stats["connect_failures"] += 1
            return False
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        socks.add(s)
        stats["opened"] += 1
        return True

    t0 = time.monotonic()
    for _ in range(a.conns):
        if not open_one() and stats["connect_failures"] > 100:
            break
    open_seconds = time.monotonic() - t0

    lat, fails, samples = [], [], []
    stop = threading.Event()

    def probe():
        while not stop.is_set():
            start = time.monotonic()
            try:
                c = socket.create_connection((a.host, a.port), timeout=a.probe_timeout)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = b""
                while True:
                    chunk = c.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                c.close()
                took = time.monotonic() - start
                if data.startswith(b"HTTP/1.1 200"):
                    lat.append(took)
                else:
                    fails.append(took)
            except OSError:
                fails.append(time.monotonic() - start)
            stop.wait(a.probe_interval)

    def sampler():
        while not stop.is_set():
            if a.pid:
                samples.append(proc_status(a.pid))
            stop.wait(1.0)

    threads = [threading.Thread(target=probe), threading.Thread(target=sampler)]
    for t in threads:
        t.start()
    end = time.monotonic() + a.seconds
    next_trickle = time.monotonic() + a.trickle
    held_min = len(socks)
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:  # closed by the server: open another one
                sel.unregister(s)
                socks.discard(s)
                s.close()
                stats["reopened"] += 1
                open_one()
        if a.mode == "slowloris" and time.monotonic() >= next_trickle:
            next_trickle += a.trickle
            for s in list(socks):
                try:
                    s.send(b"a")
                except OSError:
                    pass
        held_min = min(held_min, len(socks))
    stop.set()
    for t in threads:
        t.join()
    held_end = len(socks)
    for s in socks:
        s.close()

    def ms(x):
        return None if x is None else round(x * 1000, 2)

    print(json.dumps({
        "mode": a.mode, "conns": a.conns, "seconds": a.seconds,
        "open_seconds": round(open_seconds, 2),
        "held_min": held_min, "held_end": held_end,
        "opened": stats["opened"], "reopened": stats["reopened"],
        "connect_failures": stats["connect_failures"],
        "healthz_probes": len(lat) + len(fails), "healthz_failures": len(fails),
        "healthz_ms": {"p50": ms(pct(lat, 50)), "p99": ms(pct(lat, 99)), "max": ms(max(lat) if lat else None),
                       "mean": ms(statistics.mean(lat) if lat else None)},
        "over_100ms": sum(1 for x in lat if x > 0.1) + len(fails),
        "serve_threads_max": max((s.get("Threads", 0) for s in samples), default=None),
        "serve_rss_kib_max": max((s.get("VmRSS", 0) for s in samples), default=None),
        "serve_fds_max": max((s.get("fds", 0) for s in samples), default=None),
    }, indent=1))


if __name__ == "__main__":
    main()
