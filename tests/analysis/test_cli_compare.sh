#!/bin/bash
# cowbench compare on synthetic runs (tests/analysis/synth_run, so nothing
# depends on this machine's timings): A/A -- one run against another, and
# a 3-run baseline against a 4th run, with drift between runs -- exits 0;
# a 20% or 30% slowdown of fork's create_ns exits 1 and names fork, nothing
# else; a different machine fingerprint, or a baseline that mixes machine
# classes, exits 2 unless --allow-env-change; runs without rounds against
# one base run are "too noisy"; every verdict carries its minimum
# detectable effect; bench.json and bmf.json have the shapes
# github-action-benchmark and Bencher read.
set -u
bin=$COWBENCH_BIN
synth=$COWBENCH_BUILD/tests/analysis/synth_run
[ -x "$synth" ] || { echo "FAIL: $synth not built"; exit 1; }
command -v jq >/dev/null || { echo "SKIP: jq not installed (scripts/install-deps)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

"$synth" "$tmp/base" --seed 1
"$synth" "$tmp/same" --seed 2

# --- one distribution: nothing regressed or improved, exit 0
"$bin" compare "$tmp/base" "$tmp/same" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
v=$tmp/same/compare/verdict.md
check '[ -s "$v" ] && [ -s "$tmp/same/compare/bench.json" ] && [ -s "$tmp/same/compare/bmf.json" ]'
check 'grep -q "^\*\*0 regressed\*\*, 0 improved, [1-9][0-9]* unchanged" "$v"'
check '! grep -q "### Regressions" "$v"'
check 'grep -q "<details><summary>[0-9]* unchanged" "$v"'
check 'grep -q "| host/fork/4k/mem=64M/dirty=0 | create_norm |.*unchanged" "$v"'
check 'grep -q "| host/fork/4k/mem=64M/dirty=0 | create_ns |.*listed, not gated" "$v"'
# every row states its minimum detectable effect
check 'grep -q "| MDE |" "$v"'
check '[ -z "$(grep "^| host/.*| create_ns |" "$v" | grep -v "| [0-9.]*% | 5 (1 run) / 5 |")" ]'
check 'grep -q "no significant regression" "$tmp/out"'
check '[ -z "$(ls "$tmp/same/compare" | grep -e "\.tmp\.")" ]'

# --- --gate counts: a 20% slower time metric is listed but does not fail;
# 50% more exits does
"$synth" "$tmp/slowt" --seed 2 --slow fork:create_ns:1.2
"$bin" compare --gate counts "$tmp/base" "$tmp/slowt" --out "$tmp/gate_c" >"$tmp/gate_out" 2>/dev/null
check '[ $? -eq 0 ]'
check 'grep -q "time metrics not gated" "$tmp/gate_out"'
check 'grep -q "^| host/fork/.*| create_norm |" "$tmp/gate_out"'
"$synth" "$tmp/exits" --seed 2 --slow fork:exits:1.5
"$bin" compare --gate counts "$tmp/base" "$tmp/exits" --out "$tmp/gate_c" >"$tmp/gate_out" 2>/dev/null
check '[ $? -eq 1 ]'
check 'grep -q "^| vm/.*fork.*| exits |" "$tmp/gate_out"'
"$bin" compare --gate sometimes "$tmp/base" "$tmp/exits" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "^cowbench: --gate: " "$tmp/err"'

# --- A/A with a baseline of 3 runs: every run drifts by its own speed
# factor (3% log-sd); a 4th run of the same build is not a regression
for i in 1 2 3 4; do "$synth" "$tmp/drift$i" --seed $((10 + i)) --run-effect 0.03 --date "2026-01-0${i}T00:00:00Z"; done
mkdir "$tmp/base3" && mv "$tmp/drift1" "$tmp/drift2" "$tmp/drift3" "$tmp/base3/"
"$bin" compare "$tmp/base3" "$tmp/drift4" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
v=$tmp/drift4/compare/verdict.md
check 'grep -q "^\*\*0 regressed\*\*" "$v"'
check 'grep -q "(3 runs, commit synthetic)" "$v"'
check 'grep -q "| host/fork/4k/mem=1G/dirty=0 | create_ns |.* 15 (3 runs) / 5 |.*3 base runs" "$v"'
# the same 4th run against one of them alone: the drift between two runs
# is a shift the rounds cannot explain, which only a baseline of runs shows
"$bin" compare "$tmp/base3/drift1" "$tmp/drift4" --out "$tmp/one" >/dev/null 2>&1
check '[ $? -le 1 ]'
# power: the 4th run with fork's create_ns x1.3 against the 3-run baseline
"$synth" "$tmp/slow4" --seed 14 --slow fork:create_ns:1.3
for i in 1 2 3; do "$synth" "$tmp/quiet$i" --seed $((20 + i)); done
mkdir "$tmp/qbase" && mv "$tmp"/quiet? "$tmp/qbase/"
"$bin" compare "$tmp/qbase" "$tmp/slow4" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 1 ]'
regs=$(sed -n '/^### Regressions/,/^\(###\|<details>\)/p' "$tmp/slow4/compare/verdict.md" | grep '^| host' || true)
check '[ -n "$regs" ]'
# the slowed metric regressed, raw or speed-normalized (whichever the
# baseline shows steadier is the one gated), and nothing else
check '[ -z "$(echo "$regs" | grep -v "^| host/fork/.*| create_\(ns\|norm\) |")" ]'
check 'grep -q "^| host/fork/4k/mem=1G/dirty=16 | create_\(ns\|norm\) |" "$tmp/out"'
# and the fork create family, in the terminal and in verdict.md, alone
check 'grep -q "^| host/fork | create_\(ns\|norm\) | regressed | .* | +[23][0-9.]*% \[" "$tmp/out"'
check '[ "$(grep -c "^| host/[a-z_]* | [a-z_]* | regressed |" "$tmp/slow4/compare/verdict.md")" -eq 1 ]'
check 'grep -q "^Families (one operation and metric over all its configurations): \*\*1 regressed\*\*" "$tmp/slow4/compare/verdict.md"'
# and in the dashboards' files: one entry per family, regressed, its
# value the family's level times the change and inside its range
b4=$tmp/slow4/compare/bench.json m4=$tmp/slow4/compare/bmf.json
check 'jq -e "[.[] | select(.name | test(\"^host/fork/create_(ns|norm)$\")) | select(.extra | test(\"^family: .*: regressed$\"))] | length == 1" "$b4" >/dev/null'
check 'jq -e "[.[].name] | length == (unique | length)" "$b4" >/dev/null'
check 'jq -e ".[\"host/fork\"] | to_entries | length >= 2 and all(.[]; .value.lower_value <= .value.value and .value.value <= .value.upper_value)" "$m4" >/dev/null'
check 'jq -e ".[] | select(.name | test(\"^host/fork/create_(ns|norm)$\")) | .extra | test(\"change \\\\+[23][0-9.]*% \\\\[\")" "$b4" >/dev/null'
# and the same build, no slowdown: exit 0
"$synth" "$tmp/same4" --seed 14
"$bin" compare "$tmp/qbase" "$tmp/same4" >/dev/null 2>&1
check '[ $? -eq 0 ]'
# a baseline mixing machine classes is refused, unless --allow-env-change
mkdir "$tmp/mixed" && cp -r "$tmp/qbase/quiet1" "$tmp/mixed/" && "$synth" "$tmp/mixed/other" --seed 5 --brand "Other CPU 1"
"$bin" compare "$tmp/mixed" "$tmp/same4" --out "$tmp/mx" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && [ $(wc -l <"$tmp/err") -eq 1 ]'
check 'grep -q "^cowbench: compare: the baseline mixes machine classes.*--allow-env-change" "$tmp/err"'
check '[ ! -e "$tmp/mx/verdict.md" ]'
"$bin" compare --allow-env-change "$tmp/mixed" "$tmp/same4" --out "$tmp/mx" >/dev/null 2>&1
check '[ $? -le 1 ] && [ -s "$tmp/mx/verdict.md" ]'

# --- the machine changed speed: a baseline whose runs all sat in the fast
# state, a new run wholly in the 1.6x slower one (its probe 1.6x, its
# times as norm.h models them).  Raw times are up and listed; the
# speed-normalized ones are gated, and unchanged: exit 0.
# The same slow run with fork's create_ns x1.3 on top: exit 1
for i in 1 2 3; do "$synth" "$tmp/fast$i" --seed $((40 + i)) --no-vm; done
mkdir "$tmp/fbase" && mv "$tmp"/fast? "$tmp/fbase/"
"$synth" "$tmp/slowm" --seed 44 --no-vm --slow-state 1
"$bin" compare "$tmp/fbase" "$tmp/slowm" >"$tmp/out" 2>&1
check '[ $? -eq 0 ]'
v=$tmp/slowm/compare/verdict.md
check 'grep -q "| host/fork/4k/mem=1G/dirty=0 | create_ns |.*+[1-9][0-9.]*% \[.*listed, not gated: .*create_norm is gated" "$v"'
check '[ $(grep -c "create_norm is gated" "$v") -eq $(grep -c "^| host/.* | create_ns |" "$v") ]'
check 'grep -q "| host/fork/4k/mem=1G/dirty=0 | create_norm |.*unchanged" "$v"'
check 'grep -q "listed but not gated\|is gated on whichever" "$v"'
"$synth" "$tmp/slowr" --seed 44 --no-vm --slow-state 1 --slow fork:create_ns:1.3
"$bin" compare "$tmp/fbase" "$tmp/slowr" >"$tmp/out" 2>&1
check '[ $? -eq 1 ] && grep -q "^| host/fork/4k/mem=1G/dirty=0 | create_norm |" "$tmp/out"'

# --- fork's create_ns 20% slower: exit 1, named; nothing else regressed
"$synth" "$tmp/slow" --seed 2 --slow fork:create_ns:1.2
"$bin" compare "$tmp/base" "$tmp/slow" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 1 ]'
v=$tmp/slow/compare/verdict.md
check 'grep -q "### Regressions" "$v"'
regs=$(sed -n '/^### Regressions/,/^\(###\|<details>\)/p' "$v" | grep '^| host' || true)
check '[ -n "$regs" ]'
check '[ -z "$(echo "$regs" | grep -v "| create_\(ns\|norm\) |")" ]'
check '[ -z "$(echo "$regs" | grep -v "^| host/fork/")" ]'
check 'echo "$regs" | grep -q "+2[0-9]\.[0-9]%"'
check '[ $(echo "$regs" | wc -l) -eq 17 ]' # every fork configuration of the synthetic matrix
check 'grep -q "^| host/fork/4k/mem=1G/dirty=16 | create_norm |" "$tmp/out"'
check 'grep -q "regression" "$tmp/out"'
# the regression section comes first
check '[ $(grep -n "### Regressions" "$v" | cut -d: -f1) -lt $(grep -n "<details>" "$v" | head -1 | cut -d: -f1) ]'

# --- json shapes
b=$tmp/slow/compare/bench.json
check 'jq -e "type == \"array\" and length > 0" "$b" >/dev/null'
check 'jq -e "all(.[]; (.name|type)==\"string\" and (.unit|type)==\"string\" and (.value|type)==\"number\" and (.range|type)==\"string\" and (.extra|type)==\"string\")" "$b" >/dev/null'
check 'jq -e "[.[].name] | length == (unique | length)" "$b" >/dev/null'
check 'jq -e ".[] | select(.name == \"host/fork/4k/mem=1G/dirty=16/create_norm\") | .unit == \"ns\" and (.extra | test(\"regressed\"))" "$b" >/dev/null'
check 'jq -e ".[] | select(.name == \"host/fork/4k/mem=1G/dirty=16/create_ns\") | .extra | test(\"\\\\+2[0-9.]*%\")" "$b" >/dev/null'
m=$tmp/slow/compare/bmf.json
check 'jq -e "type == \"object\" and length > 0" "$m" >/dev/null'
check 'jq -e "all(.[]; type == \"object\" and all(.[]; (.value|type)==\"number\" and .lower_value <= .value and .value <= .upper_value))" "$m" >/dev/null'
check 'jq -e ".[\"host/fork/4k/mem=1G/dirty=16\"].create_ns.value > 0" "$m" >/dev/null'

# --- a different machine: refused, then compared with --allow-env-change
"$synth" "$tmp/other" --seed 2 --brand "Other CPU 1" --kernel 6.9.9-other
"$bin" compare "$tmp/base" "$tmp/other" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 2 ]'
check '[ $(wc -l <"$tmp/err") -eq 1 ]'
check 'grep -q "^cowbench: compare: .*cpu_brand.*--allow-env-change" "$tmp/err"'
check '[ ! -e "$tmp/other/compare/verdict.md" ]'
"$bin" compare --allow-env-change "$tmp/base" "$tmp/other" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
check 'grep -q "fingerprint differs.*cpu_brand" "$tmp/err"'
check 'grep -q "environment differs: kernel.release" "$tmp/err"'
check 'grep -q "machine fingerprint.*cpu_brand" "$tmp/other/compare/verdict.md"'
check 'grep -q "kernel.release" "$tmp/other/compare/verdict.md"'
# a kernel change alone is noted, never refused
"$synth" "$tmp/kern" --seed 2 --kernel 6.9.9-new
"$bin" compare "$tmp/base" "$tmp/kern" --out "$tmp/kout" >/dev/null 2>"$tmp/err"
check '[ $? -eq 0 ]'
check 'grep -q "kernel.release: \"6.1.0-synth\" -> \"6.9.9-new\"" "$tmp/err"'
check '[ -s "$tmp/kout/verdict.md" ] && [ ! -e "$tmp/kern/compare" ]'

# --- runs without rounds, one base run: one unit a side, too noisy,
# whatever the change (the counts are still compared, exactly)
"$synth" "$tmp/few1" --seed 1 --rounds 0
"$synth" "$tmp/few2" --seed 2 --rounds 0 --slow fork:create_ns:1.5
"$bin" compare "$tmp/few1" "$tmp/few2" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
check 'grep -q "^\*\*0 regressed\*\*, 0 improved, [0-9]* unchanged, [1-9][0-9]* too noisy to tell" "$tmp/few2/compare/verdict.md"'
check 'grep -q "| host/fork/4k/mem=1G/dirty=0 | create_ns |.*too few units (1 base, 1 new)" "$tmp/few2/compare/verdict.md"'
check 'grep -q "| vm/.*| exits |.*| exact |.*unchanged: counted: within" "$tmp/few2/compare/verdict.md"'

# --- machine class, for results/reference/<class>/
check '[ "$("$bin" compare --machine-class "$tmp/base")" = "synthetic-model-9-3-00ghz-2cpu-pvm-shadow" ]'

# --- bad input
bad() {
	local pat=$1
	shift
	"$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	check "[ $rc -eq 2 ]"
	check "grep -q '^cowbench: .*$pat' '$tmp/err'"
}
bad "No such file" "$bin" compare "$tmp/base" "$tmp/nope"
bad "needs BASE and NEW_DIR" "$bin" compare "$tmp/base"
bad "--threshold" "$bin" compare --threshold 5 "$tmp/base" "$tmp/same"
bad "--fdr" "$bin" compare --fdr 2 "$tmp/base" "$tmp/same"
mkdir "$tmp/nobase" "$tmp/nobase/sub"
bad "nobase: no run in it" "$bin" compare "$tmp/nobase" "$tmp/same"
"$synth" "$tmp/nometa" --seed 3 --no-meta
bad "has no meta.json" "$bin" compare "$tmp/base" "$tmp/nometa"
"$bin" compare --allow-env-change "$tmp/base" "$tmp/nometa" >/dev/null 2>&1
check '[ $? -eq 0 ]'
"$synth" "$tmp/vmonly" --seed 3 --no-host
"$synth" "$tmp/hostonly" --seed 3 --no-vm
bad "no configuration and metric in common" "$bin" compare "$tmp/vmonly" "$tmp/hostonly"
bad "--machine-class" "$bin" compare --machine-class "$tmp/nometa"
exit $fail
