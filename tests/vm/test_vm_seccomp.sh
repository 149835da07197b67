#!/bin/bash
# The exit loop runs confined (vmm/vm_seccomp.c): while a guest runs, the
# VMM has exactly one thread of its own under a seccomp filter (Seccomp: 2 in its
# /proc status) and the main thread none; runs still succeed under it; a
# system call the filter forbids, made in the loop thread on purpose
# (COWBENCH_SECCOMP_SELFTEST), ends the run with one line naming it and
# exit 1, the hugepage pool put back; and COWBENCH_SECCOMP=0 runs the same
# unconfined.
set -u
. "$(dirname "$0")/vmlib.sh"
vm_require_kvm
grep -q '^Seccomp:' /proc/self/status || { echo "SKIP: this kernel has no seccomp"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vm_run "$tmp/ok" --kernel "$(vm_guest ok)"
check '[ $vm_rc -eq 0 ]'
check '! grep -q "without a seccomp filter" "$tmp/ok/stderr"'

# A guest that spins until the watchdog: look at the threads meanwhile.
mkdir -p "$tmp/spin"
COWBENCH_QUIET=1 "$COWBENCH_BIN" vm --out "$tmp/spin" --primitives fork --sizes 256K \
	--backing anon4k --prefault no --dirty 1 --reps 1 --kernel "$(vm_guest spin)" \
	--timeout 4 >/dev/null 2>"$tmp/spin/stderr" &
pid=$!
confined=0 main=
for _ in $(seq 40); do
	sleep 0.1
	# KVM's own workers (kvm-nx-lpage-recovery, started by the first
	# KVM_RUN) are tasks of the process too and inherit the filter: not ours.
	confined=$(for t in /proc/$pid/task/*; do
		case "$(cat "$t/comm" 2>/dev/null)" in kvm-*) continue ;; esac
		grep -l '^Seccomp:[[:space:]]*2' "$t/status" 2>/dev/null
	done | wc -l)
	main=$(awk '/^Seccomp:/ { print $2 }' /proc/$pid/status 2>/dev/null)
	[ "$confined" -eq 0 ] || break
done
wait $pid
rc=$?
echo "threads confined: $confined, main thread Seccomp: $main"
check '[ "$confined" -eq 1 ]'
check '[ "$main" = 0 ]'
check '[ $rc -eq 1 ] && grep -q "still running after 4 s" "$tmp/spin/stderr"'

COWBENCH_SECCOMP_SELFTEST=1 vm_run "$tmp/forbidden" --kernel "$(vm_guest ok)"
check '[ $vm_rc -eq 1 ]'
check 'grep -q "^cowbench: vm: seccomp: the exit loop made a forbidden system call (number [0-9]*" "$tmp/forbidden/stderr"'
# The filter forbids what restoring the hugepage pool needs (open): the
# main thread must do it.  A hugetlb-backed boot grows the pool first.
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ "$(id -u)" = 0 ] && [ -w "$pool" ]; then
	before=$(cat "$pool")
	COWBENCH_SECCOMP_SELFTEST=1 vm_run "$tmp/pool" --kernel "$(vm_guest ok)" --backing hugetlb2m \
		--sizes 2M
	check '[ $vm_rc -eq 1 ] && grep -q "forbidden system call" "$tmp/pool/stderr"'
	# The pool is machine-wide: another cowbench may have changed it since.
	if pgrep -x cowbench >/dev/null; then
		echo "note: another cowbench process uses the hugepage pool; its size not compared"
	else
		check '[ "$(cat "$pool")" = "$before" ]'
	fi
fi
COWBENCH_SECCOMP=0 COWBENCH_SECCOMP_SELFTEST=1 vm_run "$tmp/off" --kernel "$(vm_guest ok)"
check '[ $vm_rc -eq 0 ]'
exit $vm_fail
