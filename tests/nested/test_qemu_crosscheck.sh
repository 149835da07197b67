#!/bin/bash
# scripts/qemu-crosscheck's harness on the tiny PVH kernel
# (cowbench-pvh-hello.elf): QEMU boots it on /dev/kvm, the harness catches
# its debugcon text and its exit-port byte while QEMU stays up, reads the KVM
# statistics of that QEMU process through QMP, and writes them to
# qemu-crosscheck.csv: non-zero exits, the HLT the kernel ends on, status 0.
set -u
. "$(dirname "$0")/lib.sh"
build=${COWBENCH_BUILD:?COWBENCH_BUILD not set (run through ctest)}
hello=$build/scripts/nested-tools/cowbench-pvh-hello.elf
[ -f "$hello" ] || { echo "FAIL: $hello not built"; exit 1; }
run_script qemu-crosscheck --no-cowbench --kernel "$hello"
check "qemu-crosscheck exited 0 (got $rc)" [ $rc -eq 0 ]
csv=$tmp/run/qemu-crosscheck.csv
check "qemu-crosscheck.csv written" [ -s "$csv" ]
field() { csv_get "$csv" "$3" source="$1" run="$2"; } # source run column
for run in dirty base; do
	exits=$(field qemu $run exits)
	check "qemu $run: exits ($exits) > 0" [ "${exits:-0}" -gt 0 ] 2>/dev/null
	halts=$(field qemu $run halt_exits)
	check "qemu $run: halt_exits ($halts) >= 1 (the kernel ends on HLT)" [ "${halts:-0}" -ge 1 ] 2>/dev/null
	check "qemu $run: guest_status 0" [ "$(field qemu $run guest_status)" = 0 ]
	st=$(field qemu $run startup_ns)
	check "qemu $run: startup_ns ($st) > 0" [ "${st:-0}" -gt 0 ] 2>/dev/null
	check "qemu $run: the PVH kernel's text came through debugcon" \
		grep -q 'hello from a PVH kernel' "$tmp/run/qemu-crosscheck/qemu-$run/debugcon.log"
done
qcpu=$(field qemu dirty qemu_cpu)
check "qemu rows name the probed CPU model (got '$qcpu')" [ -n "$qcpu" ]
check "the model starts QEMU here" grep -qF "under QEMU -cpu $qcpu:" "$tmp/script.log"
check "a diff row" [ -n "$(field qemu diff exits)" ]
check "no cowbench rows with --no-cowbench" [ -z "$(field cowbench dirty exits)" ]
check "stats file has vm statistics" grep -q '^qemu,dirty,vm,' "$tmp/run/qemu-crosscheck-stats.csv"
check "stats file has vcpu statistics" grep -q '^qemu,dirty,vcpu,exits,' "$tmp/run/qemu-crosscheck-stats.csv"
check "no temporary files left" [ -z "$(ls -A "$tmp/run" | grep -v '^qemu-crosscheck\(\.csv\|-stats\.csv\)\{0,1\}$')" ]
finish
