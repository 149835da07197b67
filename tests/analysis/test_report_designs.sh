#!/bin/bash
# `cowbench report`'s fork-design section (analysis/report_vm_design.c) on
# a small synthetic vm.csv: with two designs at one configuration the
# figure and its table appear, with the medians of what each design's rows
# say (net of the boot's null phase); with one design, no section.
set -u
bin=${COWBENCH_BIN:?COWBENCH_BIN not set (run through ctest)}
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

# rows DESIGN BOOT CREATE_EXITS CREATE_PTE_WRITES DIRTY_EXITS PT_COPIES: 3 reps
# of null, create and dirty phases of fork in one boot.
rows() {
	local d=$1 boot=$2 s
	for rep in 0 1 2; do
		s=$((boot * 10 + rep))
		echo "host,pvm-shadow,false,fork,4k,copy,anon4k,yes,$d,4194304,16,$rep,$s,null,10,5,0,0,0,0,0,0,3,1,$boot"
		echo "host,pvm-shadow,false,fork,4k,copy,anon4k,yes,$d,4194304,16,$rep,$s,create,1000,500,0,0,0,0,0,$4,$((rep + $3)),1,$boot"
		echo "host,pvm-shadow,false,fork,4k,copy,anon4k,yes,$d,4194304,16,$rep,$s,dirty,2000,1000,16,0,16,$6,0,$((16 + 512 * $6)),$5,16,$boot"
	done
}
head='where,mmu,timing_valid,primitive,guest_page,cow_policy,backing,prefault,fork_design,region_bytes,dirty_pages,rep,sample,phase,cycles,ns,cow_copies,cow_copies_2m,fresh_frames,pt_copies,full_copies,pte_writes,exits,pf_taken,boot'
mkdir "$tmp/two" "$tmp/one"
{ echo "$head"; rows eager 0 50 1076 56 0; rows odf 1 7 16 83 1; } >"$tmp/two/vm.csv"
{ echo "$head"; rows eager 0 50 1076 56 0; } >"$tmp/one/vm.csv"

"$bin" report "$tmp/two" >"$tmp/log" 2>&1
check '[ $? -eq 0 ] || { cat "$tmp/log"; false; }'
md=$tmp/two/summary.md
check 'grep -q "^### Fork designs" "$md"'
check '[ -s "$tmp/two/plots/vm-fork-designs.svg" ] && [ -s "$tmp/two/plots/vm-fork-designs.png" ]'
check 'grep -q "pvm-shadow" "$tmp/two/plots/vm-fork-designs.gp"'
# fork exits: reps give 50, 51, 52 minus the null phase's 3; per COW fault
# (56 - 3) / 16 and (83 - 3) / 16
row() { grep "^| .* | $1 | " "$md"; }
check 'row eager | grep -q "| eager | 3 | 48 | 1076 | 0 | 0.50 | 3.31 | 0 | 16 |"'
check 'row odf | grep -q "| odf | 3 | 5 | 16 | 0 | 0.50 | 5 | 1 | 528 |"'
check '! row full'
# the findings name the designs' costs, from the section's own numbers
check 'grep -q "^- \*\*Fork designs\*\* (host, pvm-shadow, 4M region): VM exits of fork itself: eager \*\*48\*\*, odf \*\*5\*\*; exits per COW fault after it: eager 3.31, odf 5 .*(plots/vm-fork-designs.png)" "$md"'

"$bin" report "$tmp/one" >"$tmp/log" 2>&1
check '[ $? -eq 0 ] || { cat "$tmp/log"; false; }'
check '! grep -q "^### Fork designs" "$tmp/one/summary.md"'
check '! grep -q "Fork designs" "$tmp/one/summary.md"'
check '[ ! -e "$tmp/one/plots/vm-fork-designs.png" ]'
exit $fail
