#!/bin/bash
# cowbench history on synthetic runs: 8 runs whose last 4 have fork's
# create_ns x1.3 give a change point at index 4 for
# host/fork/4k/mem=256M/dirty=0 create_ns and exit 1; pure noise and a
# single outlier run give none (exit 0); a run added twice, a folder that is
# not a run, a file that is not a history: exit 2 and the file unchanged;
# machine classes are kept apart; the exports have the shapes Otava and
# Bencher read; every timeline is a valid SVG and PNG.
set -u
bin=$COWBENCH_BIN
synth=$COWBENCH_BUILD/tests/analysis/synth_run
pngcheck=$COWBENCH_BUILD/tests/analysis/plotcheck
[ -x "$synth" ] || { echo "FAIL: $synth not built"; exit 1; }
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed (scripts/install-deps)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed (scripts/install-deps)"; exit 77; }
command -v xmllint >/dev/null || { echo "SKIP: xmllint not installed (apt-get install libxml2-utils)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }
# 8 runs of one class; $1 names the set, $2.. extra options for runs 4..7
runs() {
	local set=$1 i
	shift
	for i in 0 1 2 3 4 5 6 7; do
		local extra=
		[ "$i" -ge 4 ] && extra="$*"
		# shellcheck disable=SC2086
		"$synth" "$tmp/$set/r$i" --seed $((100 + i)) --run-effect 0.01 --no-vm \
			--date "2026-03-0$((i + 1))T00:00:00Z" --commit "c$i" $extra
	done
}

# --- a step: the last 4 runs with fork's create_ns x1.3
runs step --slow fork:create_ns:1.3
db=$tmp/step.sqlite
"$bin" history add --db "$db" "$tmp"/step/r? 2>"$tmp/err"
check '[ $? -eq 0 ] && [ -s "$db" ]'
check '[ $(grep -c "^cowbench: history: added" "$tmp/err") -eq 8 ]'
"$bin" history check --db "$db" --out "$tmp/chk" >"$tmp/out"
check '[ $? -eq 1 ]'
h=$tmp/chk/history.csv
check '[ "$(head -1 "$h")" = "benchmark,metric,index,run,before,after,change,p,gated" ]'
check 'grep -q "^host/fork/4k/mem=256M/dirty=0,create_ns,4,2026-03-05T00:00:00Z-synth,.*,false$" "$h"'
# the fork family (every configuration's create_ns) changed there too, and
# that is what gates: in its speed-normalized form, steadier here, as
# compare would choose; the raw family's change is listed
check 'grep -q "^host/fork,create_norm,4,2026-03-05T00:00:00Z-synth,.*,true$" "$h"'
check 'grep -q "^host/fork,create_ns,4,2026-03-05T00:00:00Z-synth,.*,false$" "$h"'
check '[ -z "$(grep ",true$" "$h" | grep -v "^host/fork,")" ]'
check '[ -z "$(grep "^host/fork/" "$h" | grep -v ",false$")" ]'
# only fork's create_ns (and its speed-normalized form) moved, and every
# change is at index 4, +30%
check '[ -z "$(tail -n +2 "$h" | grep -v "^host/fork\(/[^,]*\)\?,create_\(ns\|norm\),4,")" ]'
check '[ -z "$(tail -n +2 "$h" | awk -F, "\$7 < 0.25 || \$7 > 0.35")" ]'
check 'grep -q "making a gated metric worse" "$tmp/out"'
check 'grep -q "| host/fork/4k/mem=256M/dirty=0 | create_ns | 4 |.*(worse) | [0-9.e-]* | listed |" "$tmp/chk/history.md"'
check 'grep -q "| host/fork | create_norm | 4 |.*(worse) | [0-9.e-]* | yes |" "$tmp/chk/history.md"'
check 'grep -q "| host/fork | create_ns | 4 |.*(worse) | [0-9.e-]* | listed |" "$tmp/chk/history.md"'
for f in "$tmp"/chk/plots/*.svg; do
	check "xmllint --noout '$f' && '$pngcheck' '${f%.svg}.png'"
	check "grep -qF '(plots/$(basename "${f%.svg}").png)' '$tmp/chk/history.md'"
done
check '[ -s "$tmp/chk/plots/history-host-create_ns.png" ]'

# --- pure noise, and one outlier run: no change point, exit 0
runs noise
"$bin" history add --db "$tmp/noise.sqlite" "$tmp"/noise/r? 2>/dev/null
"$bin" history check --db "$tmp/noise.sqlite" --out "$tmp/nchk" >/dev/null
check '[ $? -eq 0 ]'
check '[ $(wc -l <"$tmp/nchk/history.csv") -eq 1 ]'
mkdir -p "$tmp/outlier"
for i in 0 1 2 3 4 5 6 7; do
	extra=
	[ "$i" -eq 5 ] && extra="--slow fork:create_ns:1.3"
	# shellcheck disable=SC2086
	"$synth" "$tmp/outlier/r$i" --seed $((200 + i)) --run-effect 0.01 --no-vm \
		--date "2026-04-0$((i + 1))T00:00:00Z" $extra
done
"$bin" history add --db "$tmp/outlier.sqlite" "$tmp"/outlier/r? 2>/dev/null
"$bin" history check --db "$tmp/outlier.sqlite" --out "$tmp/ochk" >/dev/null
check '[ $? -eq 0 ]'
check '[ $(wc -l <"$tmp/ochk/history.csv") -eq 1 ]'

# --- the same run twice: refused, the file unchanged
sum=$(sha256sum <"$db")
"$bin" history add --db "$db" "$tmp/step/r3" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && [ $(wc -l <"$tmp/err") -eq 1 ]'
check 'grep -q "^cowbench: history add: run 2026-03-04T00:00:00Z-synth is already in the history" "$tmp/err"'
check '[ "$(sha256sum <"$db")" = "$sum" ]'
# one transaction per add: a new run followed by a bad one adds neither
"$synth" "$tmp/new9" --seed 9 --no-vm --date 2026-03-09T00:00:00Z
mkdir "$tmp/notarun"
"$bin" history add --db "$db" "$tmp/new9" "$tmp/notarun" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "^cowbench: history add: .*notarun: no result files" "$tmp/err"'
check '[ "$(sha256sum <"$db")" = "$sum" ]'
"$synth" "$tmp/nometa" --seed 9 --no-vm --no-meta
"$bin" history add --db "$db" "$tmp/nometa" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "no meta.json" "$tmp/err"'
# a failed first add leaves no file behind
"$bin" history add --db "$tmp/fresh.sqlite" "$tmp/notarun" >/dev/null 2>&1
check '[ $? -eq 2 ] && [ ! -e "$tmp/fresh.sqlite" ]'

# --- classes apart: another machine's runs in the same file
for i in 0 1 2; do
	"$synth" "$tmp/other/r$i" --seed $((300 + i)) --no-vm --brand "Other CPU 7" \
		--date "2026-03-0$((i + 1))T00:00:00Z"
done
"$bin" history add --db "$db" "$tmp"/other/r? 2>/dev/null
check '[ $? -eq 0 ]'
"$bin" history check --db "$db" --out "$tmp/both" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "several machine classes (other-7-2cpu-pvm-shadow, synthetic-model-9-3-00ghz-2cpu-pvm-shadow): name one with --class" "$tmp/err"'
"$bin" history check --db "$db" --class other-7-2cpu-pvm-shadow --out "$tmp/oc" >/dev/null
check '[ $? -eq 0 ] && [ $(wc -l <"$tmp/oc/history.csv") -eq 1 ]'
"$bin" history check --db "$db" --class synthetic-model-9-3-00ghz-2cpu-pvm-shadow --out "$tmp/sc" >/dev/null
check '[ $? -eq 1 ] && grep -q "^host/fork/4k/mem=256M/dirty=0,create_ns,4," "$tmp/sc/history.csv"'

# --- exports
c=synthetic-model-9-3-00ghz-2cpu-pvm-shadow
"$bin" history export --db "$db" --class $c --format otava-csv --out "$tmp/otava.csv"
check '[ $? -eq 0 ] && [ $(wc -l <"$tmp/otava.csv") -eq 9 ]'
check 'head -1 "$tmp/otava.csv" | grep -q "^time,run,commit,.*host/fork/4k/mem=256M/dirty=0/create_ns"'
check 'sed -n 2p "$tmp/otava.csv" | grep -q "^2026-03-01T00:00:00Z,2026-03-01T00:00:00Z-synth,c0,"'
"$bin" history export --db "$db" --class $c --format bmf >"$tmp/bmf.json"
check 'jq -e "length == 8 and .[0].commit == \"c0\" and (.[4].results[\"host/fork/4k/mem=256M/dirty=0\"].create_ns | .lower_value <= .value and .value <= .upper_value)" "$tmp/bmf.json" >/dev/null'
check 'jq -e "(.[4].results[\"host/fork/4k/mem=256M/dirty=0\"].create_ns.value / .[0].results[\"host/fork/4k/mem=256M/dirty=0\"].create_ns.value) > 1.25" "$tmp/bmf.json" >/dev/null'
# the family series check gates are exported too: fork over all its
# configurations, 30% slower from run 4 as each of them is; in its
# normalized form (the one that gates here), not the raw one
check 'head -1 "$tmp/otava.csv" | grep -q ",host/fork/create_norm,"'
check '! head -1 "$tmp/otava.csv" | grep -q ",host/fork/create_ns,"'
check 'jq -e "(.[4].results[\"host/fork\"].create_norm.value / .[3].results[\"host/fork\"].create_norm.value) > 1.2" "$tmp/bmf.json" >/dev/null'
check 'jq -e "all(.[]; .results[\"host/fork\"] | has(\"create_ns\") | not)" "$tmp/bmf.json" >/dev/null'

# --- bad input: exit 2, one line, nothing changed
bad() {
	local pat=$1
	shift
	"$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	check "[ $rc -eq 2 ]"
	check "[ \$(wc -l <'$tmp/err') -eq 1 ]"
	check "grep -q '^cowbench: .*$pat' '$tmp/err'"
}
echo "just some text, not a database at all, long enough to be a file" >"$tmp/text.sqlite"
sum=$(sha256sum <"$tmp/text.sqlite")
bad "not a cowbench history" "$bin" history add --db "$tmp/text.sqlite" "$tmp/new9"
check '[ "$(sha256sum <"$tmp/text.sqlite")" = "$sum" ]'
bad "not a cowbench history" "$bin" history check --db "$tmp/text.sqlite" --out "$tmp/x"
bad "no such history" "$bin" history check --db "$tmp/none.sqlite" --out "$tmp/x"
bad "needs --out" "$bin" history check --db "$db"
bad "--format must be" "$bin" history export --db "$db" --format csv
bad "unknown subcommand" "$bin" history prune
bad "needs at least one RUN_DIR" "$bin" history add --db "$db"
bad "no runs of machine class .nope." "$bin" history check --db "$db" --class nope --out "$tmp/x"
exit $fail
