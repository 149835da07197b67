#!/bin/bash
# scripts/gate-eval on synthetic runs (--reuse: nothing is measured): the
# A/A compares of same-distribution runs raise no alarm, the injected +30%
# on fork's create_ns is caught in every fork configuration, and the
# report names both rates and the minimum detectable effects.
set -u
top=$COWBENCH_SRC
synth=$COWBENCH_BUILD/tests/analysis/synth_run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }
d=$tmp/ge
for i in 1 2 3; do "$synth" "$d/base/run-0$i" --seed $((60 + i)) --no-vm; done
for i in 1 2; do "$synth" "$d/run-0$i" --seed $((70 + i)) --no-vm; done
COWBENCH_BIN=$COWBENCH_BIN "$top/scripts/gate-eval" --reuse --runs 2 --base 3 --out "$d" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
check '[ -s "$d/gate-eval.md" ] && cmp -s "$d/gate-eval.md" "$tmp/out"'
check 'grep -q "^\*\*False alarms (A/A):\*\* 0 of [1-9][0-9]* verdicts (metrics and families) regressed; 0 of 2 compares failed" "$tmp/out"'
# both compares fail naming fork, both by the fork create family, and each
# of the 17 fork configurations in the 2 runs, raw or normalized, whichever
# is gated, is caught on its own too
check 'grep -q "^| +30% | 2 of 2 | 2 of 2 | 34 of 34 |" "$tmp/out"'
check 'grep -q "^| +10% | " "$tmp/out" && grep -q "^| +20% | " "$tmp/out"'
check 'grep -q "^Minimum detectable effect .*fork create at 1 GiB (4k, dirty 0): [0-9.]*%" "$tmp/out"'
check 'grep -q "families: fork create [0-9.]*% (create_\(ns\|norm\)), clone_vm create \([0-9.]*%\|not measured\)" "$tmp/out"'
# the injected copy slowed fork's create_ns, and nothing else
a=$d/run-01/host.csv b=$d/slow/run-01-x1.3/host.csv
check '[ "$(awk -F, "NR > 1 && \$1 != \"fork\"" "$a" | md5sum)" = "$(awk -F, "NR > 1 && \$1 != \"fork\"" "$b" | md5sum)" ]'
check '[ "$(awk -F, "NR == 2 { print \$7 }" "$a")" != "$(awk -F, "NR == 2 { print \$7 }" "$b")" ] || [ "$(awk -F, "NR == 2 { print \$1 }" "$a")" != fork ]'
bad() { "$@" >/dev/null 2>"$tmp/err"; check "[ $? -eq 2 ] && grep -q '^cowbench: gate-eval: ' '$tmp/err'"; }
bad "$top/scripts/gate-eval" --runs 0
bad "$top/scripts/gate-eval" --frobnicate
exit $fail
