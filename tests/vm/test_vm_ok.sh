#!/bin/bash
# A well-behaved test guest under `cowbench vm`: its console, command line,
# phases, records and result land where results/README.md says, and the
# VMM's own counts for an empty phase pair are exact.
set -u
. "$(dirname "$0")/vmlib.sh"
vm_require_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g=$(vm_guest ok)

vm_run "$tmp/a" --kernel "$g" --verbose --guest-args "selftest=yes"
check '[ $vm_rc -eq 0 ]'
[ $vm_rc -eq 0 ] || cat "$tmp/a/stderr" >&2
err=$tmp/a/stderr
check 'grep -qx "guest: hello from the ok guest" "$err"'
check 'grep -qx "guest: debugcon says hi" "$err"'
check 'grep -qxF "guest: cmdline=[region=262144 dirty=1 prims=fork reps=1 gpage=4k policy=copy fork=eager selftest=yes]" "$err"'
# the run folder describes itself: cowbench vm wrote the fingerprint
check 'jq -e ".fingerprint" "$tmp/a/meta.json" >/dev/null'
csv=$tmp/a/vm.csv
check '[ "$(vm_count "$csv")" -eq 3 ]'
check '[ "$(vm_csv "$csv" primitive phase=null)" = none ]'
check '[ "$(vm_csv "$csv" hc_exits phase=null)" = 1 ]'
check '[ "$(vm_csv "$csv" vmm_exits phase=null)" = 1 ]'
check '[ "$(vm_csv "$csv" cow_copies phase=dirty primitive=fork rep=0)" = 7 ]'
check '[ "$(vm_csv "$csv" zero_fills phase=dirty)" = 2 ]'
check '[ "$(vm_csv "$csv" cycles phase=dirty)" = 2793436 ]'
check '[ "$(vm_csv "$csv" fresh_frames phase=create)" = 3 ]'
# create contains dirty: 3 hypercall exits (begin dirty, end dirty, end create)
check '[ "$(vm_csv "$csv" hc_exits phase=create)" = 3 ]'
check '[ "$(vm_csv "$csv" region_bytes phase=create)" = 262144 ]'
check '[ "$(vm_csv "$csv" backing phase=create)" = anon4k ]'
# ns is cycles at the TSC rate KVM reports
khz=$(vm_csv "$csv" tsc_khz phase=dirty)
ns=$(vm_csv "$csv" ns phase=dirty)
check '[ -z "$khz" ] || awk -v c=2793436 -v k="$khz" -v n="$ns" "BEGIN { exit !(n - c * 1e6 / k < 1 && c * 1e6 / k - n < 1) }"'
# one sample = one (boot, primitive, rep): create and dirty share it, null has its own
s_create=$(vm_csv "$csv" sample phase=create)
check '[ "$s_create" = "$(vm_csv "$csv" sample phase=dirty)" ]'
check '[ "$s_create" != "$(vm_csv "$csv" sample phase=null)" ]'
mmu=$(vm_csv "$csv" mmu phase=null)
check '[ -n "$mmu" ]'
if [ "$mmu" = pvm-shadow ]; then check '[ "$(vm_csv "$csv" timing_valid phase=null)" = false ]'; fi
# KVM's own count: an empty phase pair costs at least the end mark's exit
kexits=$(vm_csv "$csv" exits phase=null)
check '[ -z "$kexits" ] || [ "$kexits" -ge 1 ]'

stats=$tmp/a/vm-stats.csv
sn=$(vm_csv "$csv" sample phase=null)
check '[ "$(vm_csv "$stats" delta sample=$sn source=vmm stat=hc_phase_end)" = 1 ]'
check '[ "$(vm_csv "$stats" delta sample=$sn source=vmm stat=exits)" = 1 ]'
check '[ "$(vm_count "$stats" sample=$sn source=vmm stat=hc_phase_begin)" = 0 ]'
boots=$tmp/a/vm-boots.csv
check '[ "$(vm_csv "$boots" status boot=0)" = ok ]'
check '[ "$(vm_csv "$boots" guest_status boot=0)" = 0 ]'
check '[ -n "$(vm_csv "$boots" boot_ns boot=0)" ]'
check '[ "$(vm_csv "$boots" ram_bytes boot=0)" = $((66 << 20)) ]'
check '[ -z "$(vm_csv "$boots" prefault_ns boot=0)" ]'
check '[ "$(vm_csv "$tmp/a/vm-results.csv" value name=answer_to_everything)" = 42 ]'
check '[ -z "$(ls "$tmp/a" | grep tmp)" ]'

# Four boots: backing x prefault; rows from every boot, sample ids unique.
vm_run "$tmp/b" --kernel "$g" --backing anon4k,thp --prefault no,yes --where nested-tcg
check '[ $vm_rc -eq 0 ]'
check '[ "$(vm_count "$tmp/b/vm-boots.csv" status=ok)" = 4 ]'
check '[ "$(vm_count "$tmp/b/vm.csv")" = 12 ]'
check '[ "$(vm_count "$tmp/b/vm.csv" backing=thp prefault=yes phase=dirty)" = 1 ]'
check '[ "$(vm_csv "$tmp/b/vm.csv" sample phase=dirty | sort -u | wc -l)" = 4 ]'
check '[ "$(vm_count "$tmp/b/vm.csv" timing_valid=true)" = 0 ]'
check '[ -n "$(vm_csv "$tmp/b/vm-boots.csv" prefault_ns backing=thp prefault=yes)" ]'
rss=$(vm_csv "$tmp/b/vm-boots.csv" ram_rss_bytes backing=anon4k prefault=yes)
check '[ "$rss" = $((66 << 20)) ]'

# hugetlb: runs, or skips with a reason; the pool is given back either way.
pool=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
before=$(cat $pool 2>/dev/null)
vm_run "$tmp/c" --kernel "$g" --backing hugetlb2m
check '[ $vm_rc -eq 0 ] || [ $vm_rc -eq 77 ]'
status=$(vm_csv "$tmp/c/vm-boots.csv" status boot=0)
check '[ "$status" = ok ] || [ "$status" = skipped ]'
if [ "$status" = ok ]; then
	check '[ "$(vm_csv "$tmp/c/vm-boots.csv" ram_huge_bytes boot=0)" -gt 0 ]'
else
	echo "note: hugetlb2m skipped: $(vm_csv "$tmp/c/vm-boots.csv" reason boot=0)"
fi
check '[ "$(cat $pool 2>/dev/null)" = "$before" ]'

# A 2m guest page needs a 2 MiB multiple: that configuration is skipped, the other runs.
vm_run "$tmp/d" --kernel "$g" --guest-pages 4k,2m --sizes 256K
check '[ $vm_rc -eq 0 ]'
check '[ "$(vm_count "$tmp/d/vm-boots.csv" guest_page=2m status=skipped)" = 2 ]'
check '[ "$(vm_csv "$tmp/d/vm-boots.csv" status guest_page=4k)" = ok ]'

# KVM's paravirtual CPUID leaves stay hidden unless --pv-cpuid: the guest
# reads leaf 0x40000000's signature ("KVMK" in EBX = 1263359563).
vm_run "$tmp/cpuid" --kernel "$(vm_guest cpuid)"
check '[ $vm_rc -eq 0 ] && [ -n "$(vm_csv "$tmp/cpuid/vm-results.csv" value name=hv_ebx)" ]'
check '[ "$(vm_csv "$tmp/cpuid/vm-results.csv" value name=hv_ebx)" != 1263359563 ]'
vm_run "$tmp/pv" --kernel "$(vm_guest cpuid)" --pv-cpuid
check '[ $vm_rc -eq 0 ] && [ "$(vm_csv "$tmp/pv/vm-results.csv" value name=hv_ebx)" = 1263359563 ]'
check '[ "$(vm_csv "$tmp/pv/vm-results.csv" value name=hv_ecx)" = 1447775574 ]'
exit $vm_fail
