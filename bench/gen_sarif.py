#!/usr/bin/env python3
"""bench/gen_sarif.py MB OUT: a SARIF 2.1.0 log of about MB x 10^6 bytes.

Deterministic. Two runs built from real fixtures (../shared/fixtures/real/sarif):
CodeQL 2.5.4 (rules via ruleIndex + defaultConfiguration, 72 results) and
Semgrep OSS (security-severity words, an invocation, 77 results). Each run's
results are copied until the file reaches the size; copy k moves every result
to line startLine + k*100000 so no two results share a location (aurora-gate
deduplicates same tool + rule + location, which is not what is measured).
"""
import copy, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "shared", "fixtures", "real", "sarif")

def main():
    mb, out = float(sys.argv[1]), sys.argv[2]
    target = int(mb * 1e6)
    logs = [json.load(open(os.path.join(REAL, f))) for f in
            ("defectdojo-codeql-2.5.4.sarif",
             "defectdojo-semgrep-oss-security-severity.sarif")]
    runs = [l["runs"][0] for l in logs]
    base = [r["results"] for r in runs]
    per_copy = sum(len(json.dumps(b)) for b in base)
    fixed = sum(len(json.dumps(r)) for r in runs) - per_copy
    copies = max(1, (target - fixed) // per_copy)
    with open(out, "w") as f:
        f.write('{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", '
                '"version": "2.1.0", "runs": [')
        for ri, run in enumerate(runs):
            head = {k: v for k, v in run.items() if k != "results"}
            text = json.dumps(head)
            f.write(("," if ri else "") + text[:-1] + ', "results": [')
            first = True
            for k in range(copies):
                for res in base[ri]:
                    r = copy.deepcopy(res)
                    for loc in r.get("locations", []):
                        reg = loc.get("physicalLocation", {}).get("region")
                        if reg and "startLine" in reg:
                            reg["startLine"] += k * 100000
                    f.write(("" if first else ",") + json.dumps(r))
                    first = False
            f.write("]}")
        f.write("]}\n")

main()
