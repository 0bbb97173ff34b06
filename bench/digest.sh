#!/usr/bin/env bash
# What SHA-256 / HMAC-SHA256 cost a short run, side by side in one run:
# callgrind instructions (load-independent) of the same one-shot check with
# two builds of aurora-gate, e.g. before and after base/digest.cc moved from
# a hand-written SHA-256 to libsodium (issue 14.4):
#   bench/digest.sh OLD_BIN NEW_BIN
# Both binaries need symbols (a dev or RelWithDebInfo build) for the digest
# column; a stripped one shows only its total.
# The check is the runbook's predeploy gate on examples/artifacts/pass (it
# hashes the gate file and the baseline); a gate with a signed webhook action
# (--dry-run, so nothing is sent) adds one HMAC. Prints each figure after the
# command that produced it.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/digest.sh OLD_BIN NEW_BIN}
new=${2:?usage: bench/digest.sh OLD_BIN NEW_BIN}
command -v valgrind >/dev/null || { echo "digest.sh: needs valgrind" >&2; exit 2; }
scratch=$(mktemp -d /tmp/aurora-digest-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

export ARTIFACTS=examples/artifacts/pass  # the predeploy gate reads it
run() {  # label binary
  local label=$1 bin=$2 out="$scratch/$1.out"
  local cmd=("$bin" check gates/runbook/predeploy.yaml
             --spool-dir "$scratch/spool-$label" --junit /dev/null)
  echo "\$ ARTIFACTS=$ARTIFACTS valgrind --tool=callgrind --callgrind-out-file=$out ${cmd[*]}"
  valgrind --tool=callgrind --callgrind-out-file="$out" "${cmd[@]}" >/dev/null 2>"$scratch/$label.err" || true
  local total digest
  total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",","",$1); print $1}')
  # Inclusive cost of the digest entry points (ours or libsodium's) and of
  # OpenSSL's provider set-up, should anything reach it.
  digest=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
    { grep -E 'aurora::(Sha256|Sha256Hex|HmacSha256Hex)(\[abi:cxx11\])?\(' || true; } | awk '{gsub(",","",$1); s+=$1} END {print s+0}')
  local ossl
  ossl=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
    { grep -E 'EVP_MD_fetch|OSSL_PROVIDER|ossl_provider_activate' || true; } | awk '{gsub(",","",$1); if ($1>m) m=$1} END {print m+0}')
  printf '%-4s %-60s total %14s instr  digest calls %10s instr  OpenSSL provider set-up %10s instr\n' \
    "$label" "$bin" "$total" "$digest" "$ossl"
}
"$old" --version; "$new" --version
run old "$old"
run new "$new"
