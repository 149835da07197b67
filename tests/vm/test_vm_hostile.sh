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

# Floods: a guest that loops what the host would store or print ends at
# its boot's quota within seconds, with the VMM small (max RSS under
# 40 MB, measured by GNU time; ASan's shadow and quarantine make that
# number meaningless, so a sanitizer build checks the rest only) and
# under 1 MB written (every CSV plus stderr and stdout).  Two boots: the
# second runs after the first was stopped, and both are kept.
asan=0
ldd "$COWBENCH_BIN" 2>/dev/null | grep -q 'libasan\|libubsan' && asan=1
flood() # NAME REGEX [ARGS...]
{
	local name=$1 re=$2
	shift 2
	local out=$tmp/$name
	mkdir -p "$out"
	SECONDS=0
	COWBENCH_QUIET=1 /usr/bin/time -f '%M' -o "$out/rss" "$COWBENCH_BIN" vm --out "$out" \
		--primitives fork --sizes 256K --guest-pages 4k --backing anon4k,thp --prefault no \
		--dirty 1 --reps 1 --kernel "$(vm_guest "$name")" "$@" >"$out/stdout" 2>"$out/stderr"
	local rc=$? secs=$SECONDS
	local rss_kb bytes
	rss_kb=$(tail -n 1 "$out/rss")
	bytes=$(cat "$out"/*.csv "$out/stdout" "$out/stderr" | wc -c)
	echo "$name: exit $rc in ${secs}s, max RSS ${rss_kb} KiB, ${bytes} bytes written"
	check "[ $rc -eq 1 ]"
	check "grep -qE '^cowbench: vm: guest exceeded its quota of .*$re.* per boot at rip=0x' '$out/stderr'"
	check "[ \$(grep -c '^cowbench: vm: guest exceeded' '$out/stderr') -eq 2 ]"
	check "[ $secs -lt 20 ]"
	check "[ $bytes -lt 1000000 ]"
	check "[ $asan = 1 ] || [ ${rss_kb:-999999} -lt 40000 ]"
	check '[ "$(vm_count "$out/vm-boots.csv" status=error)" = 2 ]'
	check '! grep -qi "sanitizer\|runtime error" "$out/stderr"'
}
flood floodres "65 results"
check '[ "$(vm_count "$tmp/floodres/vm-results.csv" boot=1)" = 65 ]'
flood floodphase "22 phases"
# 1 finished phase, then 21 pairs of the loop; the 23rd begin is refused.
check '[ "$(vm_count "$tmp/floodphase/vm.csv" boot=1)" = 22 ]'
flood floodcon "262144 bytes (of console output|printed for its console)" --verbose
flood floodnl "262144 bytes printed for its console" --verbose
flood floodcon "262144 bytes of console output"

# A reader that stops reading must not hold the VMM past --timeout: stderr
# is a pipe held open and never read.  The console leaves a quarter of the
# pipe for the VMM's own lines, so the error still gets through.
mkfifo "$tmp/fifo"
exec 3<>"$tmp/fifo"
SECONDS=0
COWBENCH_QUIET=1 "$COWBENCH_BIN" vm --out "$tmp/blocked" --primitives fork --sizes 256K \
	--backing anon4k --prefault no --dirty 1 --reps 1 --kernel "$(vm_guest floodcon)" \
	--verbose --timeout 3 >/dev/null 2>"$tmp/fifo"
rc=$? secs=$SECONDS
timeout 2 cat <&3 >"$tmp/blocked.err"
exec 3>&-
echo "blocked stderr: exit $rc in ${secs}s"
check "[ $rc -eq 1 ] && [ $secs -lt 15 ]"
check "grep -qE '^cowbench: vm: guest (still running after 3 s|exceeded its quota)' '$tmp/blocked.err'"
check "grep -q '^cowbench: vm: 0 boot(s) ok, 1 failed' '$tmp/blocked.err'"

# A failing boot does not stop the sweep: the next configuration runs,
# and the exit status still says a boot failed.
vm_run "$tmp/sweep" --kernel "$(vm_guest triple)" --backing anon4k,thp
check '[ $vm_rc -eq 1 ]'
check '[ "$(vm_count "$tmp/sweep/vm-boots.csv" status=error)" = 2 ]'
check '[ "$(vm_count "$tmp/sweep/vm.csv")" = 2 ]'
exit $vm_fail
