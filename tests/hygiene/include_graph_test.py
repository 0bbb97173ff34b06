#!/usr/bin/env python3
"""Every #include of a project header follows the link graph of
docs/architecture.md: a folder includes only itself and the folders its CMake
target links (no target reaches upward). Prints each violation as
file:line: folder -> included folder; exits 1 if there is one."""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()

# folder -> folders it may include (its own included). Mirrors the
# target_link_libraries of each folder's CMakeLists.txt.
ALLOWED = {
    "base": {"base"},
    "rules": {"base", "rules"},
    "evaluator": {"base", "rules", "evaluator"},
    "queries": {"base", "rules", "evaluator", "queries"},
    "reports": {"base", "rules", "evaluator", "reports"},
    "gates/core": {"base", "rules", "evaluator", "queries", "gates/core"},
    "gates/notifier": {"base", "rules", "evaluator", "reports", "gates/notifier"},
    "gates/app": {"base", "rules", "evaluator", "queries", "reports",
                  "gates/core", "gates/notifier", "gates/app"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path: str):
    for f in sorted(ALLOWED, key=len, reverse=True):
        if path.startswith(f + "/"):
            return f
    return None


def main() -> int:
    bad = []
    checked = 0
    for src in sorted(ROOT.rglob("*")):
        if src.suffix not in (".h", ".cc") or "build" in src.relative_to(ROOT).parts:
            continue
        rel = src.relative_to(ROOT).as_posix()
        mine = folder_of(rel)
        if mine is None:
            continue
        checked += 1
        for n, line in enumerate(src.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = folder_of(m.group(1))
            if target is None:
                top = m.group(1).split("/")[0]
                if top in ("tests", "bench", "gates"):
                    bad.append(f"{rel}:{n}: {mine} -> {m.group(1)} (not a library folder)")
                continue
            if target not in ALLOWED[mine]:
                bad.append(f"{rel}:{n}: {mine} -> {target} ({m.group(1)})")
    for b in bad:
        print(b)
    print(f"{checked} files checked, {len(bad)} includes against the link graph")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
