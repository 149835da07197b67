#!/bin/bash
# The nested machinery without the cowbench guest (scripts/nested
# --env-only): the Linux guest boots under QEMU, loads the vendor kvm module
# with two-dimensional paging on and then off, and after each load /dev/kvm
# works inside (our probe runs a VM to its HLT), the module parameter in
# effect is what was asked, and `cowbench env` inside reports the MMU as
# npt (or ept) and then shadow.
set -u
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed (scripts/install-deps)"; exit 77; }
nested_run --quick --env-only --timeout 240
art=$(ls -d "$tmp"/run/nested/nested-* | head -n 1)
check "artifacts of the nested run exist" [ -d "$art" ]
tdp=$art/npt
[ -d "$tdp" ] || tdp=$art/ept
tdp_name=$(basename "$tdp")
vmod=$([ "$tdp_name" = npt ] && echo kvm_amd || echo kvm_intel)

for mode in "$tdp_name" shadow; do
	d=$art/$mode
	check "$mode: results came back" [ -d "$d" ]
	want=$([ "$mode" = shadow ] && echo N || echo Y)
	check "$mode: $vmod.$tdp_name=$want in effect" grep -qx "$vmod\.$tdp_name=\($want\|$([ "$want" = Y ] && echo 1 || echo 0)\)" "$d/params.txt"
	check "$mode: cowbench env exited 0" [ "$(cat "$d/env.rc" 2>/dev/null)" = 0 ]
	check "$mode: env.json is JSON" jq -e . "$d/env.json" >/dev/null
	check "$mode: cowbench env says kvm.mmu=$mode" [ "$(jq -r .kvm.mmu "$d/env.json" 2>/dev/null)" = "$mode" ]
	check "$mode: cowbench env says module=$vmod" [ "$(jq -r .kvm.module "$d/env.json" 2>/dev/null)" = "$vmod" ]
	check "$mode: /dev/kvm usable inside" [ "$(jq -r .kvm.dev_usable "$d/env.json" 2>/dev/null)" = true ]
	check "$mode: the probe VM ran to its HLT" [ "$(cat "$d/probe.rc" 2>/dev/null)" = 0 ]
	check "$mode: the probe saw its debugcon byte" grep -qx 'debugcon=K' "$d/probe.txt"
	# Each of the 16 fresh guest pages the probe writes faults at least once
	# in the second-level tables (NPT/EPT or shadow): both map lazily.
	pf=$(sed -n 's/^vcpu\.pf_taken=//p' "$d/probe.txt")
	check "$mode: probe pf_taken ($pf) >= 16" [ "${pf:-0}" -ge 16 ]
	exits=$(sed -n 's/^vcpu\.exits=//p' "$d/probe.txt")
	check "$mode: probe exits ($exits) > 0" [ "${exits:-0}" -gt 0 ]
	check "$mode: no cowbench vm in --env-only" [ ! -e "$d/vm.csv" ]
done
for c in "$art"/qemu-*/console.log; do
	check "$(basename "$(dirname "$c")"): the guest reported done status=0" grep -q "^cowbench-nested: done status=0" "$c"
done
check "one QEMU per mode" [ "$(ls -d "$art"/qemu-* | wc -l)" -eq 2 ]
check "--env-only wrote no vm.csv into the run dir" [ ! -e "$tmp/run/vm.csv" ]
finish
