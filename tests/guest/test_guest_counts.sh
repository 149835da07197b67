#!/bin/bash
# The guest kernel under our VMM: exact COW accounting per primitive.
#   fork of a 64-page populated 4 KiB region, 16 pages dirtied: 16 region
#   COW copies, then 16 reuses when the parent writes after the child exits;
#   0 dirtied: 0 copies; vfork and clone_vm: 0 copies and no page tables
#   copied; spawn: 0 copies (its writes are zero fills); a 2 MiB region
#   dirtied once: one 2 MiB copy, or one split and one 4 KiB copy.
# Also: every dirty row carries VM-exit deltas, and under shadow paging
# pf_taken >= COW copies.
set -u
. "$(dirname "$0")/lib.sh"
require_kvm
bin=$COWBENCH_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_vm() {
	local out=$1
	shift
	if ! "$bin" vm --out "$out" --backing anon4k --prefault yes --reps 2 "$@" \
		>"$out.log" 2>&1; then
		echo "FAIL: cowbench vm $* exited non-zero:"
		tail -20 "$out.log"
		exit 1
	fi
}

# 4 KiB guest pages: all primitives, 16 and 0 dirty pages.
run_vm "$tmp/4k" --primitives fork,vfork,clone_vm,spawn --sizes 256K --guest-pages 4k --dirty 16,0
csv=$tmp/4k/vm.csv
v() { csv_col "$csv" "$@"; }

check "fork: 16 COW copies per rep" all_eq 16 $(v cow_copies primitive=fork phase=dirty dirty_pages=16)
check "fork: 2 dirty rows (reps)" count_is 2 $(v cow_copies primitive=fork phase=dirty dirty_pages=16)
check "fork: no 2 MiB copies at 4k" all_eq 0 $(v cow_copies_2m primitive=fork phase=dirty dirty_pages=16)
check "fork: each copy lands in a never-touched frame" \
	all_eq 16 $(v fresh_frames primitive=fork phase=dirty dirty_pages=16)
check "fork: the parent reuses all 16 after the child exits" \
	all_eq 16 $(v cow_reuses primitive=fork phase=reuse dirty_pages=16)
check "fork: and copies none" all_eq 0 $(v cow_copies primitive=fork phase=reuse dirty_pages=16)
check "fork: page tables are copied" \
	test "$(v pt_pages_copied primitive=fork phase=create dirty_pages=16 | sort -u)" -gt 0
check "fork, 0 dirty: 0 copies" all_eq 0 $(v cow_copies primitive=fork phase=dirty dirty_pages=0)
for p in vfork clone_vm; do
	check "$p: 0 COW copies" all_eq 0 $(v cow_copies primitive=$p phase=dirty dirty_pages=16)
	check "$p: no page tables copied" all_eq 0 $(v pt_pages_copied primitive=$p phase=create dirty_pages=16)
	check "$p: nothing copied while dirtying" all_eq 0 $(v ptes_copied primitive=$p phase=dirty dirty_pages=16)
done
check "spawn: 0 COW copies" all_eq 0 $(v cow_copies primitive=spawn phase=dirty dirty_pages=16)
check "spawn: its 16 writes are zero fills" all_eq 16 $(v zero_fills primitive=spawn phase=dirty dirty_pages=16)
check "spawn: no page tables copied" all_eq 0 $(v pt_pages_copied primitive=spawn phase=create dirty_pages=16)

# Exit deltas are present on every dirty row; under shadow paging each
# guest COW fault costs at least one host page fault.
for x in $(v exits phase=dirty); do
	check "dirty rows carry exits" test -n "$x"
done
mmu=$(v mmu phase=dirty | sort -u)
if [ "$mmu" = pvm-shadow ] || [ "$mmu" = shadow ]; then
	paste -d' ' <(v pf_taken primitive=fork phase=dirty) <(v cow_copies primitive=fork phase=dirty) |
	while read -r pf cow; do
		check "pf_taken ($pf) >= cow_copies ($cow) under $mmu" test "$pf" -ge "$cow"
	done
fi

# 2 MiB guest pages: one write into a 2 MiB region.
run_vm "$tmp/2m" --primitives fork --sizes 2M --guest-pages 2m --cow-policy copy,split --dirty 1
csv=$tmp/2m/vm.csv
check "2m copy: one 2 MiB copy" all_eq 1 $(v cow_copies_2m phase=dirty cow_policy=copy)
check "2m copy: no 4 KiB copy" all_eq 0 $(v cow_copies phase=dirty cow_policy=copy)
check "2m copy: 512 fresh frames" all_eq 512 $(v fresh_frames phase=dirty cow_policy=copy)
check "2m split: one split" all_eq 1 $(v cow_splits phase=dirty cow_policy=split)
check "2m split: one 4 KiB copy" all_eq 1 $(v cow_copies phase=dirty cow_policy=split)
check "2m split: no 2 MiB copy" all_eq 0 $(v cow_copies_2m phase=dirty cow_policy=split)
check "2m: the parent then reuses" all_eq 1 $(v cow_reuses phase=reuse)
exit $fail
