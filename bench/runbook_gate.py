#!/usr/bin/env python3
"""The runbook's pre-deployment artifact checks as a plain python3 script,
written the way the runbook's snippets are (json + xml.etree, thresholds in a
dict; aurora-testnet-deployment-runbook.md, checklist and section 3.2). It
performs the same 8 checks as gates/runbook/predeploy.yaml and is the python side of
requirement 1 in bench/run.sh.

Usage: ARTIFACTS=examples/artifacts/pass python3 bench/runbook_gate.py
Exit 0 when every blocking check passes, 1 otherwise (the regression check
against the baseline only warns, as `severity: warning` in the gate).
"""
import json
import os
import xml.etree.ElementTree as ET

artifacts = os.environ.get('ARTIFACTS', 'artifacts')
failed = []
warnings = []

# Checklist: "Coverage > 90% (lines), > 85% (branches)" (root counts).
root = ET.parse(f'{artifacts}/coverage.xml').getroot()
line_pct = 100 * int(root.get('lines-covered')) / int(root.get('lines-valid'))
branch_pct = (100 * int(root.get('branches-covered'))
              / int(root.get('branches-valid')))
if not line_pct > 90:
    failed.append(f'line coverage {line_pct:.2f}% <= 90%')
if not branch_pct > 85:
    failed.append(f'branch coverage {branch_pct:.2f}% <= 85%')

# 3.2 Performance Validation: stats.mean thresholds, in seconds.
with open(f'{artifacts}/testnet_performance.json') as f:
    results = json.load(f)
thresholds = {
    'test_order_submit_latency': 0.5,  # 500ms
    'test_fill_processing': 0.1,       # 100ms
    'test_position_update': 0.05       # 50ms
}
means = {b['name']: b['stats']['mean'] for b in results.get('benchmarks', [])}
for name, limit in thresholds.items():
    if name not in means:
        failed.append(f'{name}: no benchmark result')
    elif means[name] > limit:
        failed.append(f'{name}: {means[name]:.3f}s > {limit}s')

# 3.2 "Validate against baseline": more than 10 % slower only warns.
with open(f'{artifacts}/baselines/performance_baseline.json') as f:
    baseline = {b['name']: b['stats']['mean']
                for b in json.load(f).get('benchmarks', [])}
for name, mean in means.items():
    if name in baseline and mean > baseline[name] * 1.10:
        warnings.append(f'{name}: {mean:.3f}s is more than 10% slower than '
                        f'the baseline {baseline[name]:.3f}s')

# Checklist: "All integration tests passed" (and some ran).
suites = ET.parse(f'{artifacts}/testnet_integration_results.xml').getroot()
passed = failed_or_error = 0
for case in suites.iter('testcase'):
    tags = {child.tag for child in case}
    if 'skipped' in tags:
        continue
    if 'failure' in tags or 'error' in tags:
        failed_or_error += 1
    else:
        passed += 1
if failed_or_error != 0:
    failed.append(f'{failed_or_error} integration tests failed or errored')
if not passed > 0:
    failed.append('no integration test passed')

for w in warnings:
    print(f'WARNING: {w}')
if failed:
    print('Pre-deployment validation failed:')
    for failure in failed:
        print(f'  - {failure}')
    exit(1)
print('Pre-deployment validation passed')
