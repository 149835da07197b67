#!/bin/bash
# scripts/bench-check without a baseline for this machine class says how to
# make one and exits 2 before measuring anything; --promote files runs into
# <reference>/<class>/<run-id>/ and refuses the same run twice.
set -u
top=$COWBENCH_SRC
synth=$COWBENCH_BUILD/tests/analysis/synth_run
command -v jq >/dev/null || { echo "SKIP: jq not installed (scripts/install-deps)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }
export COWBENCH_BIN COWBENCH_REFERENCE=$tmp/ref
mkdir "$tmp/ref"
"$top/scripts/bench-check" --out "$tmp/run" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 2 ]'
check 'grep -q "^cowbench: bench-check: no baseline for machine class .* make one of 3 runs: .*scripts/bench-check --promote" "$tmp/err"'
check '[ -s "$tmp/run/meta.json" ] && [ ! -e "$tmp/run/host.csv" ]' # nothing measured
"$synth" "$tmp/a" --seed 1 --date 2026-05-01T10:00:00Z
"$synth" "$tmp/b" --seed 2 --date 2026-05-02T10:00:00Z
"$top/scripts/bench-check" --promote "$tmp/a" 2>"$tmp/err"
check '[ $? -eq 0 ] && grep -q "promote 2 more run" "$tmp/err"'
d=$tmp/ref/synthetic-model-9-3-00ghz-2cpu-pvm-shadow
check '[ -s "$d/2026-05-01T100000Z-synth/host.csv" ] && [ -s "$d/2026-05-01T100000Z-synth/meta.json" ]'
check '[ ! -e "$d/2026-05-01T100000Z-synth/vm-stats.csv" ]'
"$top/scripts/bench-check" --promote "$tmp/a" 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "in the baseline already" "$tmp/err"'
"$top/scripts/bench-check" --promote "$tmp/b" 2>/dev/null
check '[ $(ls "$d" | wc -l) -eq 2 ]'
# the baseline folder is what compare takes as BASE
"$COWBENCH_BIN" compare "$d" "$tmp/b" --out "$tmp/cmp" >/dev/null 2>&1
check '[ $? -le 1 ] && grep -q "(2 runs" "$tmp/cmp/verdict.md"'
exit $fail
