#!/usr/bin/env bash
# Issue 11, item 16: the .deb installs into a throw-away root and works from
# there. Packs BUILD_DIR (cpack -G DEB, what `cmake --build --preset release
# --target package` runs) unless a .deb is given, extracts it with dpkg -x,
# and checks: the binary runs `check` on the shipped gates it installed
# (/usr/share/aurora-gate/gates) over examples/artifacts (pass: exit 0, fail:
# exit 1); the man pages render and show the examples; the systemd unit
# passes `systemd-analyze verify` against that root, and its ExecStart,
# with the example environment file, is a command line the binary accepts.
#   tests/package/deb_package_test.sh BUILD_DIR SOURCE_DIR [PACKAGE.deb]
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
deb=${3:-}
work=$(mktemp -d /tmp/aurora-deb-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ -z "$deb" ]]; then
  (cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log" >&2; fail "cpack -G DEB in $build"; }
  deb=$(ls "$work"/pkg/aurora-gate_*.deb)
fi
echo "package: $deb"
dpkg-deb --info "$deb" >"$work/info"
grep -q '^ Package: aurora-gate$' "$work/info" || fail "package name"
grep -q '^ Depends: .*libcurl' "$work/info" || { cat "$work/info"; fail "Depends names libcurl (dpkg-shlibdeps)"; }

root="$work/root"
dpkg -x "$deb" "$root"
bin="$root/usr/bin/aurora-gate"
gates="$root/usr/share/aurora-gate/gates"
[[ -x "$bin" ]] || fail "no /usr/bin/aurora-gate"
for g in predeploy.yaml postdeploy.yaml stop-conditions.yaml golive.yaml runbook-alerts.yml; do
  [[ -f "$gates/$g" ]] || fail "no /usr/share/aurora-gate/gates/$g"
done
[[ -z "$(find "$gates" -type f ! -name '*.yaml' ! -name '*.yml')" ]] || fail "only gate files in $gates"

# check from the installed root, on the bundled example artifacts.
set +e
ARTIFACTS="$src/examples/artifacts/pass" GITHUB_STEP_SUMMARY= \
  "$bin" check "$gates/predeploy.yaml" --color never --spool-dir "$work/spool" >"$work/pass.out" 2>&1
pass=$?
ARTIFACTS="$src/examples/artifacts/fail" GITHUB_STEP_SUMMARY= \
  "$bin" check "$gates/predeploy.yaml" --color never --spool-dir "$work/spool" >"$work/fail.out" 2>&1
failed=$?
set -e
[[ $pass -eq 0 ]] || { cat "$work/pass.out"; fail "check on the passing artifacts: exit $pass"; }
[[ $failed -eq 1 ]] || { cat "$work/fail.out"; fail "check on the failing artifacts: exit $failed"; }
"$bin" lint "$gates"/*.yaml "$gates"/*.yml >/dev/null 2>"$work/lint.err" ||
  { cat "$work/lint.err"; fail "lint of the installed gates"; }

# Man pages: one per command, generated from --help, with its examples.
for page in aurora-gate aurora-gate-check aurora-gate-report aurora-gate-watch \
            aurora-gate-lint aurora-gate-spool aurora-gate-baseline \
            aurora-gate-serve aurora-gate-backtest aurora-gate-test; do
  f="$root/usr/share/man/man1/$page.1"
  [[ -f "$f" ]] || fail "no man page $page(1)"
  MANWIDTH=100 man -l "$f" >"$work/$page.txt" 2>/dev/null || fail "man -l $page.1"
  grep -q '^EXAMPLES' "$work/$page.txt" || { cat "$work/$page.txt"; fail "$page(1) has no EXAMPLES"; }
done
# man justifies and wraps lines: compare with whitespace collapsed.
tr -s ' \n' ' ' <"$work/aurora-gate-check.txt" |
  grep -q '\$ aurora-gate check gates/runbook/postdeploy.yaml --prometheus http://prometheus:9090' ||
  fail "aurora-gate-check(1) shows the --help examples"
grep -q -- '--max-response-size' "$work/aurora-gate-check.txt" || fail "aurora-gate-check(1) lists the options"

# The systemd unit for watch.
unit="$root/usr/lib/systemd/system/aurora-gate-watch@.service"
[[ -f "$unit" ]] || unit="$root/lib/systemd/system/aurora-gate-watch@.service"
[[ -f "$unit" ]] || fail "no aurora-gate-watch@.service"
env_example="$root/usr/share/aurora-gate/watch.env.example"
[[ -f "$env_example" ]] || fail "no watch.env.example"
mkdir -p "$root/etc/aurora-gate"
cp "$env_example" "$root/etc/aurora-gate/api.env"
# systemd-analyze verify of an instance inside the root: it needs the
# binaries the unit runs and the system's own targets there too (copied from
# this machine, without replacing ours). It exits 0 on mere warnings, so any
# line naming our unit fails the test.
vroot="$work/verify-root"
cp -a "$root" "$vroot"
mkdir -p "$vroot/bin" "$vroot/usr/lib/systemd/system"
[[ -e "$vroot/bin/kill" ]] || cp /bin/kill "$vroot/bin/kill"
cp -rn /lib/systemd/system/. "$vroot/usr/lib/systemd/system/" 2>/dev/null || true
if ! systemd-analyze verify --man=no --root="$vroot" aurora-gate-watch@api.service \
       >"$work/verify.out" 2>&1 || grep -q "aurora-gate" "$work/verify.out"; then
  cat "$work/verify.out"
  fail "systemd-analyze verify aurora-gate-watch@api.service"
fi
# ExecStart with the example environment: the options exist (watch --help
# after them parses the whole line and exits 0 without watching).
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
set -a
# shellcheck disable=SC1090
. "$root/etc/aurora-gate/api.env"
set +a
line=${exec_start//%i/api}
line=${line//\/usr\/bin\/aurora-gate/$bin}
line=${line//\/usr\/share\/aurora-gate/$root/usr/share/aurora-gate}
line=${line//\$\{AURORA_GATE_INTERVAL\}/$AURORA_GATE_INTERVAL}
line=${line//\$\{AURORA_GATE_DURATION\}/$AURORA_GATE_DURATION}
line=${line//\$\{AURORA_GATE_LISTEN\}/$AURORA_GATE_LISTEN}
line=${line//\$AURORA_GATE_FILES/${AURORA_GATE_FILES//\/usr\/share\/aurora-gate/$root/usr/share/aurora-gate}}
line=${line//\$AURORA_GATE_ARGS/$AURORA_GATE_ARGS}
# shellcheck disable=SC2086
$line --help >"$work/unit-help.out" 2>&1 || { cat "$work/unit-help.out"; fail "ExecStart: $line"; }
echo "PASS: $deb installs and runs check from $root"
