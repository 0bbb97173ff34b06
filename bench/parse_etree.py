#!/usr/bin/env python3
"""The python side of bench/parse_bench: reads FILE with
xml.etree.ElementTree.parse (as the runbook's snippets would) and computes
the same numbers as aurora-gate's reader, so both sides do the same work:

  coverage: root line/branch counts, and per-file counts of class > lines >
            line (covered = hits > 0; branches from the "(c/t)" part of
            condition-coverage)
  junit:    every <testcase> of every <testsuite>, classified as aurora-gate
            does (skipped child wins, then the first failure/error, else
            passed), Σ suite time

Prints one key=value line like parse_bench (MB = 10^6 bytes; peak RSS from
resource.getrusage, kilobytes). Usage: parse_etree.py coverage|junit FILE
"""
import os
import resource
import sys
import time
import xml.etree.ElementTree as ET


def coverage(root):
    files = {}
    for package in root.find('packages').iter('package'):
        for cls in package.find('classes').findall('class'):
            counts = files.setdefault(cls.get('filename'), [0, 0, 0, 0])
            lines = cls.find('lines')
            if lines is None:
                continue
            for line in lines.findall('line'):
                counts[1] += 1
                if float(line.get('hits')) > 0:
                    counts[0] += 1
                cc = line.get('condition-coverage')
                if cc is not None:
                    c, t = cc[cc.rindex('(') + 1:cc.rindex(')')].split('/')
                    counts[2] += int(c)
                    counts[3] += int(t)
    return (f"lines_covered={root.get('lines-covered')} "
            f"lines_valid={root.get('lines-valid')} "
            f"branches_covered={root.get('branches-covered')} "
            f"branches_valid={root.get('branches-valid')} files={len(files)} "
            f"file_lines_covered={sum(c[0] for c in files.values())} "
            f"file_lines_valid={sum(c[1] for c in files.values())} "
            f"file_branches_valid={sum(c[3] for c in files.values())}")


def junit(root):
    n = {'passed': 0, 'failed': 0, 'error': 0, 'skipped': 0}
    duration = 0.0
    suites = [root] if root.tag == 'testsuite' else root.iter('testsuite')
    for suite in suites:
        duration += float(suite.get('time', '0'))
        for case in suite.findall('testcase'):
            result = 'passed'
            for child in case:
                if child.tag == 'skipped':
                    result = 'skipped'
                    break
                if result == 'passed' and child.tag == 'failure':
                    result = 'failed'
                elif result == 'passed' and child.tag == 'error':
                    result = 'error'
            n[result] += 1
    return (f"passed={n['passed']} failed={n['failed']} error={n['error']} "
            f"skipped={n['skipped']} duration_s={duration:.3f}")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('coverage', 'junit'):
        sys.exit(__doc__)
    kind, path = sys.argv[1], sys.argv[2]
    size = os.path.getsize(path)
    t0 = time.perf_counter()
    root = ET.parse(path).getroot()
    headline = coverage(root) if kind == 'coverage' else junit(root)
    seconds = time.perf_counter() - t0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"tool=python format={kind} bytes={size} seconds={seconds:.4f} "
          f"mb_per_s={size / 1e6 / seconds:.1f} peak_rss_kb={rss_kb} "
          f"rss_ratio={rss_kb * 1024 / size:.2f} {headline}")


if __name__ == '__main__':
    main()
