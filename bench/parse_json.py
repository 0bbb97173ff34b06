#!/usr/bin/env python3
"""bench/parse_json.py security|mutation FILE: the python side of parse_bench.

Reads FILE with json.load and counts as aurora-gate does (docs/FORMATS.md §7.1, §8.1):
  security (SARIF 2.1.0): findings per severity, summed over runs — kind "fail"
    only, baselineState "absent" and accepted suppressions left out, effective
    level (result.level, invocation override, the rule's defaultConfiguration,
    "warning"), GitHub's security-severity buckets from the rule (then the
    result) properties, else the level (error→high, warning→medium,
    note→low); duplicates (same tool, rule, file, line) counted once.
  mutation (Stryker report): mutants per status, score = 100·detected/valid.
Prints one key=value line in parse_bench's format.
"""
import json, os, resource, sys, time

def bucket(props):
    if not isinstance(props, dict) or "security-severity" not in props:
        return None
    try:
        v = float(props["security-severity"])
    except (TypeError, ValueError):
        return None
    if v >= 9.0 and v <= 10.0: return "critical"
    if v >= 7.0 and v < 9.0: return "high"
    if v >= 4.0 and v < 7.0: return "medium"
    if v >= 0.1 and v < 4.0: return "low"
    return None

LEVEL = {"error": "high", "warning": "medium", "note": "low"}

def sarif(doc):
    counts = dict.fromkeys(("critical", "high", "medium", "low", "unknown"), 0)
    for run in doc["runs"]:
        tool = run["tool"]["driver"].get("name", "").lower()
        rules = run["tool"]["driver"].get("rules") or []
        by_id = {r["id"]: r for r in rules if r.get("id")}
        overrides = []
        for inv in run.get("invocations") or []:
            lv = {}
            for o in inv.get("ruleConfigurationOverrides") or []:
                level = (o.get("configuration") or {}).get("level")
                d = o.get("descriptor") or {}
                if level and isinstance(d.get("index"), int): lv[("i", d["index"])] = level
                if level and d.get("id"): lv[("id", d["id"])] = level
            overrides.append(lv)
        seen = set()
        for res in run["results"]:
            if res.get("kind", "fail") != "fail": continue
            if res.get("baselineState") == "absent": continue
            sup = res.get("suppressions")
            if sup and any(s.get("status", "accepted") == "accepted" for s in sup): continue
            rid = res.get("ruleId") or (res.get("rule") or {}).get("id", "")
            ri = res.get("ruleIndex")
            rule = rules[ri] if isinstance(ri, int) and 0 <= ri < len(rules) else by_id.get(rid)
            if not rid and rule: rid = rule.get("id", "")
            level = res.get("level")
            if not level:
                inv = (res.get("provenance") or {}).get("invocationIndex", 0)
                if inv < len(overrides):
                    level = overrides[inv].get(("i", ri)) or overrides[inv].get(("id", rid))
            if not level and rule:
                level = (rule.get("defaultConfiguration") or {}).get("level")
            level = level or "warning"
            if level == "none": continue
            sev = bucket(rule.get("properties") if rule else None) or \
                bucket(res.get("properties")) or LEVEL.get(level, "unknown")
            f, line = "", 0
            locs = res.get("locations") or []
            if locs:
                phys = locs[0].get("physicalLocation") or {}
                f = (phys.get("artifactLocation") or {}).get("uri", "")
                line = (phys.get("region") or {}).get("startLine", 0)
            key = (tool, rid, f, line)
            if key in seen: continue
            seen.add(key)
            counts[sev] += 1
    return " ".join(f"{k}={v}" for k, v in counts.items())

STATUSES = ("Killed", "Survived", "Timeout", "NoCoverage", "CompileError",
            "RuntimeError", "Ignored")

def mutation(doc):
    by = {}
    for f in doc["files"].values():
        for m in f["mutants"]:
            by[m["status"]] = by.get(m["status"], 0) + 1
    detected = by.get("Killed", 0) + by.get("Timeout", 0)
    valid = detected + by.get("Survived", 0) + by.get("NoCoverage", 0)
    score = 100.0 * detected / valid if valid else float("nan")
    snake = lambda s: "".join("_" + c.lower() if c.isupper() else c for c in s).lstrip("_")
    return " ".join(f"{snake(s)}={by.get(s, 0)}" for s in STATUSES) + f" score={score:.6f}"

def main():
    kind, path = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        data = f.read()
    t1 = time.perf_counter()
    doc = json.loads(data)
    del data
    figures = sarif(doc) if kind == "security" else mutation(doc)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = os.path.getsize(path)
    total = t2 - t0
    print(f"tool=python format={kind} bytes={size} read_s={t1-t0:.4f} "
          f"parse_s={t2-t1:.4f} seconds={total:.4f} mb_per_s={size/1e6/total:.1f} "
          f"peak_rss_kb={rss} rss_ratio={rss*1024/size:.2f} {figures}")

main()
