#!/usr/bin/env python3
"""bench/gen_stryker.py N OUT: a Stryker mutation-testing report with N mutants.

Deterministic. Built from the real StrykerJS 4.5.1 report of Lighthouse
(../shared/fixtures/real/stryker-mutation): its files are copied under
numbered directories (copy k: "kNNNN/<path>") until N mutants are written,
the last copy cut to make N exact.
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "shared", "fixtures", "real", "stryker-mutation")

def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rep = json.load(open(os.path.join(REAL, "strykerjs-4.5.1-lighthouse-large.json")))
    files = rep["files"]
    rep["files"] = {}
    left, k = n, 0
    while left > 0:
        for path, f in files.items():
            if left <= 0:
                break
            g = dict(f)
            g["mutants"] = f["mutants"][:left]
            left -= len(g["mutants"])
            rep["files"][f"k{k:04d}/{path}"] = g
        k += 1
    json.dump(rep, open(out, "w"))

main()
