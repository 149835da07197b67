#!/bin/bash
# The fork designs under our VMM (issue 11's integration check): a fork of
# a prefaulted 4 MiB region, 16 pages dirtied, 3 reps.
#   eager and odf: 16 COW copies in every dirty phase (odf copies the
#   page table first: pt_copies >= 1 there, 0 in eager); odf's fork stores
#   a page-directory entry per table where eager stores one per page, so
#   odf's create phase writes far fewer guest PTEs, and under PVM's shadow
#   paging takes at most half of eager's VM exits.
#   full: every region page copied at fork (full_copies >= 1024), then no
#   COW fault, no page table copied.
# The guest checks, outside the phases, that no child's write reaches
# the parent (and that the parent's values survive): a broken design
# fails the boot.
set -u
. "$(dirname "$0")/lib.sh"
require_kvm
bin=$COWBENCH_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$tmp/designs
if ! "$bin" vm --out "$out" --primitives fork --sizes 4M --guest-pages 4k --backing anon4k \
	--prefault yes --fork-design eager,odf --dirty 16 --reps 3 >"$tmp/log" 2>&1; then
	echo "FAIL: cowbench vm exited non-zero:"
	tail -20 "$tmp/log"
	exit 1
fi
csv=$out/vm.csv
v() { csv_col "$csv" "$@"; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

for d in eager odf; do
	check "$d: 16 COW copies in each of 3 dirty phases" \
		all_eq 16 $(v cow_copies fork_design=$d phase=dirty)
	check "$d: 3 dirty phases" count_is 3 $(v cow_copies fork_design=$d phase=dirty)
	check "$d: no full copies" all_eq 0 $(v full_copies fork_design=$d)
done
for pt in $(v pt_copies fork_design=odf phase=dirty); do
	check "odf: the dirty phase copies the page table first (pt_copies $pt >= 1)" test "$pt" -ge 1
done
check "eager: no page table copied on demand" all_eq 0 $(v pt_copies fork_design=eager)
ew=$(median $(v pte_writes fork_design=eager phase=create))
ow=$(median $(v pte_writes fork_design=odf phase=create))
check "create: odf stores fewer PTEs ($ow) than eager's 1024+ ($ew), by 10x" \
	test $((ow * 10)) -le "$ew" -a "$ew" -ge 1024
ee=$(median $(v exits fork_design=eager phase=create))
oe=$(median $(v exits fork_design=odf phase=create))
mmu=$(v mmu phase=create | sort -u)
echo "create phase: exits eager $ee, odf $oe; pte_writes eager $ew, odf $ow (mmu $mmu)"
if [ "$mmu" = pvm-shadow ]; then
	check "pvm-shadow: odf's create exits ($oe) at most half of eager's ($ee)" \
		test $((oe * 2)) -le "$ee"
fi

# full: the region's 1024 pages (and the stack, data and scratch pages)
# copied at fork; nothing to copy afterwards.
out=$tmp/full
if ! "$bin" vm --out "$out" --primitives fork --sizes 4M --guest-pages 4k --backing anon4k \
	--prefault yes --fork-design full --dirty 16 --reps 2 >"$tmp/log" 2>&1; then
	echo "FAIL: cowbench vm --fork-design full exited non-zero:"
	tail -20 "$tmp/log"
	exit 1
fi
csv=$out/vm.csv
for n in $(v full_copies phase=create); do
	check "full: every region page copied at fork ($n >= 1024)" test "$n" -ge 1024
done
check "full: the same pages every rep" count_is 1 $(v full_copies phase=create | sort -u)
check "full: no COW copy in the dirty phase" all_eq 0 $(v cow_copies phase=dirty)
check "full: no guest fault in the dirty phase" all_eq 0 $(v guest_faults phase=dirty)
check "full: no COW fault in the parent after either" all_eq 0 $(v cow_reuses phase=reuse)
check "full: no page table copied on demand" all_eq 0 $(v pt_copies)
exit $fail
