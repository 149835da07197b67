#!/bin/bash
# Hostile guests: each must end in exit 1 with one error line naming what
# went wrong, a register dump, the phases it finished still in vm.csv, and
# never a crash (under ASan+UBSan too).
set -u
. "$(dirname "$0")/vmlib.sh"
vm_require_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hostile NAME REGEX [ARGS...]
hostile()
{
	local name=$1 re=$2
	shift 2
	local out=$tmp/$name
	vm_run "$out" --kernel "$(vm_guest "$name")" "$@"
	local first
	first=$(head -n 1 "$out/stderr")
	if [ $vm_rc -ne 1 ] || ! echo "$first" | grep -qE "^cowbench: vm: .*$re"; then
		echo "FAIL: $name: exit $vm_rc, first line '$first', wanted exit 1 and /$re/" >&2
		sed 's/^/    /' "$out/stderr" >&2
		vm_fail=1
		return
	fi
	check 'grep -q "^  rip=0x" "$out/stderr" || [ $name = failexit ]'
	check 'grep -q "^  | hostile guest starting" "$out/stderr"'
	check '[ "$(grep -c "^cowbench: vm: " "$out/stderr")" -eq 2 ]' # the error and the summary
	check '! grep -qi "sanitizer\|runtime error" "$out/stderr"'
	check '[ "$(vm_csv "$out/vm-boots.csv" status boot=0)" = error ]'
	check '[ "$(vm_count "$out/vm.csv" phase=null)" = 1 ]'
}

hostile triple "guest triple-faulted \(KVM_EXIT_SHUTDOWN\) at rip=0x"
hostile badptr "bad hypercall console .*\(EFAULT\).*outside guest RAM"
hostile badrec "bad hypercall phase_end .*\(EFAULT\).*phase record"
hostile badhc "hypercall struct .*outside guest RAM"
hostile badop "bad hypercall .*\(EINVAL\): unknown op 99"
hostile badport "unknown I/O port 0x80"
hostile badphase "\(EINVAL\): phase create ends but no phase is open"
hostile openexit "still open"
hostile failexit "guest reported failure \(exit status 3\)"
check 'grep -q "^  | self-test found a broken invariant" "$tmp/failexit/stderr"'
hostile hlt "KVM_EXIT_HLT"
hostile mmio "wrote 4 bytes at gpa 0x3fe00000.*KVM_EXIT_MMIO"

# A guest that never stops: the watchdog ends it (generous bound: the
# point is that it ends, not how fast).
SECONDS=0
hostile spin "still running after 2 s \(--timeout\)" --timeout 2
check '[ $SECONDS -lt 30 ]'

# A failing boot does not stop the sweep: the next configuration runs,
# and the exit status still says a boot failed.
vm_run "$tmp/sweep" --kernel "$(vm_guest triple)" --backing anon4k,thp
check '[ $vm_rc -eq 1 ]'
check '[ "$(vm_count "$tmp/sweep/vm-boots.csv" status=error)" = 2 ]'
check '[ "$(vm_count "$tmp/sweep/vm.csv")" = 2 ]'
exit $vm_fail
