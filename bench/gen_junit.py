#!/usr/bin/env python3
"""Writes a deterministic pytest-style JUnit XML report with N testcases to
OUT, for bench/parse_bench.

Usage: gen_junit.py N OUT

Shape of pytest >= 7 (`--junitxml`, xunit2 family): one line, root
<testsuites name="pytest tests">, one <testsuite name="pytest">. About 2 %
of cases fail (<failure> with a traceback), 0.5 % error (<error>), 3 % are
skipped (<skipped>), the rest pass. Same arguments -> byte-identical file.
"""
import random
import sys
from xml.sax.saxutils import escape, quoteattr


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    rng = random.Random(20240602)
    cases = []
    failures = errors = skipped = 0
    total_time = 0.0
    for i in range(n):
        module = f"tests.integration.test_mod{i // 250:04d}"
        name = f"test_case_{i:06d}"
        t = round(rng.uniform(0.001, 2.5), 3)
        total_time += t
        head = (f'<testcase classname="{module}" name="{name}" '
                f'file="tests/integration/test_mod{i // 250:04d}.py" '
                f'line="{10 + (i % 250) * 12}" time="{t}"')
        r = rng.random()
        if r < 0.02:
            failures += 1
            tb = escape(f"def {name}():\n>       assert result == expected\n"
                        f"E       assert {i} == {i + 1}\n\n"
                        f"tests/integration/test_mod.py:{i % 400}: "
                        "AssertionError")
            cases.append(f'{head}><failure message={quoteattr(f"assert {i} == {i + 1}")}>'
                         f'{tb}</failure></testcase>')
        elif r < 0.025:
            errors += 1
            cases.append(f'{head}><error message="failed on setup with '
                         '&quot;fixture testnet_client not found&quot;">'
                         'file tests/conftest.py, line 12\n  E  fixture '
                         '&apos;testnet_client&apos; not found</error></testcase>')
        elif r < 0.055:
            skipped += 1
            cases.append(f'{head}><skipped type="pytest.skip" message="requires '
                         'testnet">tests/integration/test_mod.py:3: requires '
                         'testnet</skipped></testcase>')
        else:
            cases.append(f'{head} />')
    with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>'
                  '<testsuites name="pytest tests">'
                  f'<testsuite name="pytest" errors="{errors}" '
                  f'failures="{failures}" skipped="{skipped}" tests="{n}" '
                  f'time="{total_time:.3f}" timestamp="2026-11-27T07:38:01.123456" '
                  'hostname="ci-runner-7">')
        out.write("".join(cases))
        out.write('</testsuite></testsuites>')


if __name__ == "__main__":
    main()
