#!/bin/bash
# cowbench report on synthetic runs (tests/analysis/synth_run): every plot
# it writes is a valid SVG (parsed by xmllint) and PNG (signature + IHDR),
# summary.md embeds each one, runs without VM or host rows still report
# and say what is missing, untrusted timings are flagged, bad input exits 2.
set -u
bin=$COWBENCH_BIN
synth=$COWBENCH_BUILD/tests/analysis/synth_run
pngcheck=$COWBENCH_BUILD/tests/analysis/plotcheck
[ -x "$synth" ] && [ -x "$pngcheck" ] || { echo "FAIL: test tools not built ($synth, $pngcheck)"; exit 1; }
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed (scripts/install-deps installs gnuplot-nox)"; exit 77; }
command -v xmllint >/dev/null || { echo "SKIP: xmllint not installed (apt-get install libxml2-utils)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

# Every plot file non-empty and valid, SVG and PNG in pairs, each embedded.
check_plots() {
	local run=$1 n=0
	for f in "$run"/plots/*.svg "$run"/plots/*.png; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		check "[ -s '$f' ]"
		case $f in
		*.svg) check "xmllint --noout '$f'"
		       check "[ -s '${f%.svg}.png' ]" ;;
		*.png) check "'$pngcheck' '$f'"
		       check "[ -s '${f%.png}.svg' ]"
		       name=$(basename "$f" .png)
		       check "grep -qF '](plots/$name.png)' '$run/summary.md'"
		       check "grep -qF '(plots/$name.svg)' '$run/summary.md'"
		       check "[ -s '$run/plots/$name.gp' ] && [ -s '$run/plots/$name.dat' ]" ;;
		esac
	done
	check "[ $n -gt 0 ]"
	# every image summary.md links exists
	for img in $(grep -o '](plots/[a-z0-9-]*\.png)' "$run/summary.md" | sed 's/](//; s/)//'); do
		check "[ -s '$run/$img' ]"
	done
	check "[ -z \"\$(ls '$run/plots' | grep -e '\.tmp\.' )\" ]"
}

# --- what a live child costs (issue 10): the writes' CDF, the copies,
# threads and mappings, the model, and a Findings sentence each
"$synth" "$tmp/live" --live --no-vm
"$bin" report "$tmp/live" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
for p in live-writes live-amplification live-threads live-vmas; do
	check "[ -s '$tmp/live/plots/$p.svg' ] && [ -s '$tmp/live/plots/$p.png' ]"
done
check_plots "$tmp/live"
lmd=$tmp/live/summary.md
check 'grep -q "^- \*\*A first write while the other process lives\*\*.*4k dense parent \*\*3\.[0-9]* µs\*\*.*hugetlb2m sparse parent \*\*[23][0-9]* µs\*\*.*(plots/live-writes.png)" "$lmd"'
check 'grep -q "^- \*\*Copy-on-write copied, per byte written\*\* (kernel 6.1.0-synth).*hugetlb2m dense parent \*\*32x\*\*; hugetlb2m sparse parent \*\*512x\*\*" "$lmd"'
check 'grep -q "^- \*\*A second thread reading the region\*\*.*fork of 256M.*with \*\*3\*\* TLB shootdowns per fork instead of 0" "$lmd"'
check 'grep -q "^- \*\*The parent.s first writes with that reader running\*\* (fork of 64M, 4k, 16 pages written while the child lives): \*\*2[0-9.]* µs\*\*.* instead of 3\.[0-9]* µs alone (..[0-9]x;.*with 26 TLB shootdowns per sample" "$lmd"'
check 'grep -q "^- \*\*Mappings\*\*: fork of 64M (4k) in 256 mappings.*1\.5[0-9]* µs per mapping" "$lmd"'
# the synthetic costs: 60 us + 1.5 us per mapping + 6 ns per page + 800 ns per 2 MiB page
check 'grep -q "^- \*\*The cost model of fork\*\*: fork here costs [56][0-9.]* µs + 1\.[45][0-9]* µs per mapping + [56]\.[0-9]* ns per 4 KiB page + [78][0-9]* ns per 2 MiB page" "$lmd"'
check 'grep -q "^| per 4 KiB page | " "$lmd"'
check 'grep -q "<a id=\"live-writes\"></a>" "$tmp/live/summary-tables.md"'
# the classic figures keep the classic configurations only: no threaded
# or split fork among fork-latency's points (they would repeat a size in
# its fork/4k block; the .dat holds numbers, never the word "threads")
check '[ -z "$(awk "NF == 0 { exit } !/^#/ { print \$5 }" "$tmp/live/plots/fork-latency.dat" | sort | uniq -d)" ]'
check '[ "$(awk "NF == 0 { exit } !/^#/" "$tmp/live/plots/fork-latency.dat" | wc -l)" -ge 5 ]'

# --- a full run: host + VM (pvm-shadow) + nested-tcg rows, one host
# configuration not converged
"$synth" "$tmp/full" --tcg --not-converged
"$bin" report "$tmp/full" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
check '[ -s "$tmp/full/summary.md" ]'
for p in fork-latency child-start cow-fault vm-exits-per-fault vm-cow-cost vm-exit-kinds; do
	check "[ -s '$tmp/full/plots/$p.svg' ] && [ -s '$tmp/full/plots/$p.png' ]"
done
check_plots "$tmp/full"
md=$tmp/full/summary.md
tb=$tmp/full/summary-tables.md
# summary.md opens with its findings, one sentence each with a number and
# a link to its figure; the per-configuration tables are in
# summary-tables.md, every link from summary.md pointing at an anchor there
check '[ "$(grep -m1 "^## " "$md")" = "## Findings" ]'
check 'grep -q "^- \*\*fork at 4 KiB pages costs 1\.[0-9]* ms per GiB\*\* of parent memory, 95% interval \[.* ms, .* ms\].*(plots/fork-latency.png)" "$md"'
check 'grep -q "^- \*\*Huge pages\*\*: with thp, fork of 1G takes \*\*[0-9.]* µs\*\*.*x less" "$md"'
check 'grep -q "^- \*\*The primitives that copy no page tables\*\*.*vfork \*\*2[0-9.]* µs\*\*.*posix_spawn" "$md"'
check 'grep -q "^- A COW fault costs \*\*1\.[0-9]* µs\*\* \[.*\*\*per page\*\*.*x the copy floor" "$md"'
check 'grep -q "^- \*\*VM exits per guest COW fault\*\*.*pvm-shadow (host) \*\*3\.0[0-9]*\*\*.*npt (nested-tcg)" "$md"'
check 'grep -q "^- \*\*This machine was stable\*\*: one speed state over [0-9]* samples" "$md"'
check '[ -s "$tb" ] && grep -q "(summary-tables.md)" "$md"'
for a in $(grep -o "summary-tables.md#[a-z0-9-]*" "$md" | cut -d"#" -f2); do
	check "grep -q '^<a id=\"$a\"></a>' '$tb'"
done
check '[ $(grep -c "^| " "$md") -lt 60 ]' # the long tables are not in summary.md
# the CPU as its vendor numbers it: the composed model, not the base field
check 'grep -q "^| CPU | .*family 25 model 85 stepping 7)" "$md"'
check 'grep -q "\*\*pvm-shadow\*\*" "$md"'
check 'grep -q "\*\*nested-tcg\*\*" "$md"'
check 'grep -q "\*\*timing-invalid\*\*" "$md"'
check 'grep -q "\*\*not-converged\*\*" "$md"'
check 'grep -q "\*\*perf-unsupported\*\*.*cycles" "$md"'
# flags sit in the rows too: a pvm-shadow row of the cost table says so
check 'grep -q "^| .*| ⚠ .*pvm-shadow" "$tb"'
# every table row on one line (plot labels are stacked, table cells not)
check '[ -z "$(grep "^| " "$md" "$tb" | grep -v "|$")" ]'
check 'grep -q "Synthetic(R) CPU Model 9" "$md"'
check 'grep -q "Theory checks" "$md"'
check 'grep -q "boot 6, skipped: no 1 GiB huge pages" "$md"'
# the synthetic counts follow each MMU mode's theory
check 'grep -q "\*\*consistent\*\*" "$tb"'
check '! grep -q "\*\*inconsistent\*\*" "$tb"'
check 'grep -q "^[0-9]* of [0-9]* configurations \*\*consistent\*\* .*, 0 \*\*inconsistent\*\*" "$md"'
# size 0 is on its own tick, not dropped
check 'grep -q "\"0\"" "$tmp/full/plots/fork-latency.gp"'
check 'grep -q "^| fork | 4k | 0 |" "$tb"'
# published figures: drawn where comparable, all listed with the citation
check 'grep -q "Zhao, Gong, Fonseca" "$tmp/full/plots/fork-latency.dat"'
check 'grep -q "On-demand-fork (EuroSys 2021)" "$tb"'
check 'grep -q "cow_fault_one is not a create latency" "$tb"'
check 'grep -q "huge2m.*thp" "$md"'

# --- a machine that changed speed: the probe says so, in the findings
# and under the stability figure
"$synth" "$tmp/twostate" --no-vm --slow-state 0.3
"$bin" report "$tmp/twostate" >/dev/null 2>&1
check '[ $? -eq 0 ] && [ -s "$tmp/twostate/plots/probe.png" ]'
check 'grep -q "^- \*\*This machine was not stable\*\*: its CPU ran at two speeds during the run, [0-9]*% of the samples at 1\.[0-9]* µs .* (1\.[56][0-9]*x slower)" "$tmp/twostate/summary.md"'
check 'grep -q "\*\*Two speed states\*\*" "$tmp/twostate/summary.md"'
# raw time first, the speed-normalized figure beside it
check 'grep -q "^- \*\*fork at 4 KiB pages costs .* per GiB\*\*.*; speed-normalized: [0-9.]* ms per GiB" "$tmp/twostate/summary.md"'
check '! grep -q "speed-normalized:" "$md"' # a stable machine needs no second figure
# runs without a probe: unknown, said so
"$synth" "$tmp/noround" --no-vm --rounds 0
awk -F, 'BEGIN { OFS = "," } { NF -= 2; print }' "$tmp/noround/host.csv" >"$tmp/h" && mv "$tmp/h" "$tmp/noround/host.csv"
"$bin" report "$tmp/noround" >/dev/null 2>&1
check '[ $? -eq 0 ] && grep -q "^- \*\*Stability\*\*: unknown (no machine-state probe" "$tmp/noround/summary.md"'

# --- the theory check can fail: an EPT run whose prefaulted dirty phase
# takes an exit per fault is inconsistent
"$synth" "$tmp/ept" --mmu ept --no-host
awk -F, 'BEGIN{OFS=","} NR>1 && $13=="dirty" && $4=="fork" && $8=="yes" {$30=$30+16} {print}' \
	"$tmp/ept/vm.csv" >"$tmp/ept/vm2" && mv "$tmp/ept/vm2" "$tmp/ept/vm.csv"
"$bin" report "$tmp/ept" >/dev/null 2>&1
check '[ $? -eq 0 ]'
check 'grep -q "\*\*inconsistent\*\*" "$tmp/ept/summary-tables.md"'
check 'grep -q "\*\*consistent\*\*" "$tmp/ept/summary-tables.md"'
check 'grep -q "configurations \*\*consistent\*\* .*, [1-9][0-9]* \*\*inconsistent\*\*" "$tmp/ept/summary.md"'

# --- only host rows
"$synth" "$tmp/host" --no-vm
"$bin" report "$tmp/host" >/dev/null 2>"$tmp/err"
check '[ $? -eq 0 ]'
check 'grep -q "The VM part is missing from this run" "$tmp/host/summary.md"'
check '[ ! -e "$tmp/host/plots/vm-exit-kinds.png" ]'
check '[ -s "$tmp/host/plots/fork-latency.png" ]'
check_plots "$tmp/host"
# and why, when meta.json can tell
jq '.kvm.dev_usable = false' "$tmp/host/meta.json" >"$tmp/m" && mv "$tmp/m" "$tmp/host/meta.json"
"$bin" report "$tmp/host" >/dev/null 2>&1
check 'grep -q "kvm.dev_usable=false" "$tmp/host/summary.md"'

# --- only VM rows, no meta.json
"$synth" "$tmp/vm" --no-host --no-meta
"$bin" report "$tmp/vm" >/dev/null 2>"$tmp/err"
check '[ $? -eq 0 ]'
check 'grep -q "The host part is missing from this run" "$tmp/vm/summary.md"'
check 'grep -q "No meta.json" "$tmp/vm/summary.md"'
check '[ ! -e "$tmp/vm/plots/fork-latency.png" ]'
check_plots "$tmp/vm"

# --- --no-reference / --reference DIR
"$bin" report --no-reference "$tmp/host" >/dev/null 2>&1
check '[ $? -eq 0 ]'
check '! grep -q "Zhao" "$tmp/host/plots/fork-latency.dat"'
check 'grep -q "No overlay: --no-reference" "$tmp/host/summary.md"'
mkdir "$tmp/refs"
printf 'source,year,machine,kernel,primitive,page_mode,mem_bytes,metric,value_ns,note\n"Doe: Test (2020)",2020,Box 9000,6.0,fork,4k,67108864,create,1000000,made up for a test\n' >"$tmp/refs/t.csv"
"$bin" report --reference "$tmp/refs" "$tmp/host" >/dev/null 2>&1
check '[ $? -eq 0 ]'
check 'grep -q "Doe, Box 9000" "$tmp/host/plots/fork-latency.dat"'
check '! grep -q "Zhao" "$tmp/host/plots/fork-latency.dat"'

# --- bad input: exit 2 with one line "cowbench: <what>: <why>"
bad() { # name, expected stderr pattern, command...
	local pat=$1
	shift
	"$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	check "[ $rc -eq 2 ]"
	check "[ \$(wc -l <'$tmp/err') -eq 1 ]"
	check "grep -q '^cowbench: .*$pat' '$tmp/err'"
}
# The QEMU cross-check table, from a recorded qemu-crosscheck.csv (this
# host, pvm-shadow): values side by side and the stated agreement.
cp -r "$tmp/host" "$tmp/xcheck"
cp "$COWBENCH_SRC/tests/analysis/fixtures/qemu-crosscheck.csv" "$tmp/xcheck/"
"$bin" report "$tmp/xcheck" >/dev/null 2>&1
check '[ $? -eq 0 ]'
check "grep -q '^### Cross-check: the same guest under QEMU' '$tmp/xcheck/summary.md'"
check "grep -q '^| INVLPG exits | 64 | 64 | equal |' '$tmp/xcheck/summary.md'"
check "grep -q '^| exits caused by dirtying, net of reporting | 189 | 195 | within 10% |' '$tmp/xcheck/summary.md'"
check "grep -q 'ours first' '$tmp/xcheck/summary.md'"
check "! grep -q 'Cross-check' '$tmp/host/summary.md'" # no file, no section

bad "No such file" "$bin" report "$tmp/nope"
mkdir "$tmp/empty"
bad "no result files" "$bin" report "$tmp/empty"
cp -r "$tmp/host" "$tmp/badnum"
sed -i '3s/^\(\([^,]*,\)\{6\}\)[0-9]*/\1abc/' "$tmp/badnum/host.csv"
bad "host.csv: row 2: column create_ns: .abc. is not a number" "$bin" report "$tmp/badnum"
cp -r "$tmp/host" "$tmp/badhead"
sed -i '1s/create_ns/create_time/' "$tmp/badhead/host.csv"
bad "host.csv: header has no column .create_ns." "$bin" report "$tmp/badhead"
cp -r "$tmp/vm" "$tmp/badbool"
sed -i '2s/,false,/,maybe,/' "$tmp/badbool/vm.csv"
bad "timing_valid: .maybe. is not true or false" "$bin" report "$tmp/badbool"
sed -i '2s/^qemu,dirty,run,/qemu,dirty,,/' "$tmp/xcheck/qemu-crosscheck.csv"
bad "qemu-crosscheck.csv: row 1: column scope is empty" "$bin" report "$tmp/xcheck"
echo '{"cpu": ' >"$tmp/badhead/meta.json"
bad "meta.json" "$bin" report "$tmp/badhead"
bad "--reference" "$bin" report --reference=/nonexistent "$tmp/host"
bad "missing RUN_DIR" "$bin" report
bad "apt-get install gnuplot-nox" env PATH=/nonexistent "$bin" report "$tmp/host"
exit $fail
