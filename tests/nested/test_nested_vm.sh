#!/bin/bash
# `scripts/nested --quick` with the cowbench guest: our VMM inside a QEMU
# Linux guest, under nested paging (npt) and shadow paging, and the rows it
# brings back.
#
# With two-dimensional paging, KVM builds the nested page table lazily: the
# first guest access to a guest-physical frame takes one TDP fault, later
# ones none.  The guest hands out never-touched frames first, so in the
# dirty phase pf_taken equals the frames touched there for the first time
# (vm.csv fresh_frames, each COW copy lands in one), up to a small
# constant (4) when guest RAM is lazy (prefault=no).  A prefaulted boot on
# TDP populates the host's page tables (MADV_POPULATE_WRITE) and has the
# guest write every frame once at boot (prefault=1 on its command line), so
# the nested table maps all of RAM before the first phase and the dirty
# phase takes almost no TDP faults: at most 2.  With shadow paging every COW
# copy needs a new shadow entry: pf_taken >= cow_copies.
set -u
. "$(dirname "$0")/lib.sh"
nested_run --quick --timeout 280
csv=$tmp/run/vm.csv
check "vm.csv came back" [ -s "$csv" ]

awk -F, '
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
function v(name) { if (!(name in c)) { bad("no column " name); return "" } return $c[name] }
function bad(msg) { print "FAIL: vm.csv line " NR ": " msg; fails++ }
{
	where = v("where"); mmu = v("mmu"); phase = v("phase")
	if (where != "nested-tcg" && where != "nested-kvm") bad("where=" where)
	if (where == "nested-tcg" && v("timing_valid") != "false") bad("nested-tcg row with timing_valid=" v("timing_valid"))
	key = v("sample") SUBSEP phase
	if (key in seen) bad("sample " v("sample") " has two " phase " rows")
	seen[key] = 1
	rows[mmu]++
	if (phase != "dirty" || v("backing") != "anon4k") next
	pf = v("pf_taken"); fresh = v("fresh_frames"); cow = v("cow_copies")
	if (pf == "") { bad(mmu " row without pf_taken"); next }
	if (mmu == "npt" || mmu == "ept") {
		if (fresh + 0 <= 0) bad("tdp dirty row with fresh_frames=" fresh " (the guest should hand out fresh frames)")
		# anon4k: KVM maps 4 KiB in the nested table, so at least one fault
		# per fresh frame; up to 3 more were seen in single samples of the
		# full matrix (2m split, 4M and 64M regions).
		if (v("prefault") == "no" && (pf - fresh < 0 || pf - fresh > 4))
			bad(mmu " lazy sample " v("sample") ": pf_taken=" pf " but fresh_frames=" fresh " (want fresh..fresh+4)")
		if (v("prefault") == "yes" && pf + 0 > 2)
			bad(mmu " prefaulted sample " v("sample") ": pf_taken=" pf " with fresh_frames=" fresh " (want at most 2)")
		tdp[v("prefault")]++
	} else if (mmu == "shadow") {
		if (pf + 0 < cow + 0) bad("shadow sample " v("sample") ": pf_taken=" pf " < cow_copies=" cow)
		shadow++
	}
}
END {
	if (!rows["npt"] && !rows["ept"]) bad("no npt/ept rows")
	if (!rows["shadow"]) bad("no shadow rows")
	if (!tdp["no"]) bad("no tdp dirty row with lazy backing (prefault=no, anon4k)")
	if (!tdp["yes"]) bad("no tdp dirty row with prefaulted backing (prefault=yes, anon4k)")
	if (!shadow) bad("no shadow dirty row")
	printf "%d tdp and %d shadow dirty rows checked\n", tdp["no"] + tdp["yes"], shadow
	exit fails > 0
}' "$csv" || fails=$((fails + 1))

# vm-stats.csv joins vm.csv: every sample it names is a vm.csv sample.
check "vm-stats.csv samples all exist in vm.csv" awk -F, '
FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
FILENAME == ARGV[1] { s[$c[FILENAME, "sample"]] = 1; next }
!($c[FILENAME, "sample"] in s) { print "FAIL: vm-stats.csv sample " $c[FILENAME, "sample"] " not in vm.csv"; bad = 1 }
END { exit bad }' "$csv" "$tmp/run/vm-stats.csv"
art=$(ls -d "$tmp"/run/nested/nested-* | head -n 1)
tdp=$art/npt
[ -d "$tdp" ] || tdp=$art/ept
for d in "$tdp" "$art/shadow"; do
	check "$(basename "$d"): cowbench vm exited 0 inside" [ "$(cat "$d/vm.rc" 2>/dev/null)" = 0 ]
done
finish
