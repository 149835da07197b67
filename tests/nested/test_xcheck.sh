#!/bin/bash
# cowbench-xcheck (scripts/qemu-crosscheck's arithmetic and files) on
# synthetic runs, no QEMU: the guest command lines it plans, the sums of
# the guest's phase lines and of QMP's statistics (histograms summed),
# transport and net exits, dirty - base differences, statistics present
# on one side only (0 when the other lists them, empty when neither
# does), and bad input.
set -u
build=${COWBENCH_BUILD:?COWBENCH_BUILD not set (run through ctest)}
x=$build/scripts/nested-tools/cowbench-xcheck
[ -x "$x" ] || { echo "FAIL: $x not built"; exit 1; }
. "$(dirname "$0")/lib.sh" # tmp, fails, check, csv_get
is() { [ "$1" = "$2" ] || { echo "  got '$1', want '$2'"; return 1; }; }

opts=(--kernel /nowhere/guest.elf --primitives fork --sizes 256K --dirty 16 --reps 3
      --guest-pages 4k --cow-policy copy --backing thp --prefault no --ram 128M)
plan=$("$x" plan "${opts[@]}")
check "plan: the dirty run's command line" is "$(sed -n 's/^dirty //p' <<<"$plan")" \
	"region=262144 dirty=16 prims=fork reps=3 gpage=4k policy=copy fork=eager"
check "plan: the base run's" is "$(sed -n 's/^base //p' <<<"$plan")" \
	"region=262144 dirty=0 prims=fork reps=3 gpage=4k policy=copy fork=eager"
check "plan: RAM in MiB" is "$(sed -n 's/^ram_mib //p' <<<"$plan")" 128
check "plan passes cowbench vm options on" \
	grep -q 'fork=odf' <<<"$("$x" plan "${opts[@]}" --fork-design odf)"
err=$("$x" plan "${opts[@]}" --sizes 256K,1M 2>&1)
check "two configurations: exit 2" [ $? -eq 2 ]
check "... one line saying so" grep -qx "cowbench: qemu-crosscheck: the options name 2 configurations; the cross-check runs one" <<<"$err"
err=$("$x" plan "${opts[@]}" --guest-pages 3k 2>&1)
check "a bad name: exit 2 with cowbench vm's message" [ $? -eq 2 ]
check "... naming the option" grep -q '^cowbench: --guest-pages: ' <<<"$err"

# The runs.  Counters: whatever cowbench-xcheck lists between wall_ns and
# exits (the guest's), so the fixture follows common/cb_counters.h.
cols=$("$x" columns)
counters=$(tr , '\n' <<<"$cols" | sed -n '/^wall_ns$/,/^exits$/p' | sed '1d;$d' | paste -sd,)
zeros=$(sed 's/[^,]*/0/g' <<<"$counters")
runs=$tmp/runs
qemu_run() { # name exits irq pf cow
	local d=$runs/qemu-$1
	mkdir -p "$d"
	{
		echo "cowbench-boot abi=2"
		echo "cowbench-phase phase=null prim=none rep=0 cycles=5 cow_copies=0"
		echo "cowbench-phase phase=dirty prim=fork rep=0 cycles=9 cow_copies=$5 guest_faults=$5"
		echo "cowbench-exit status=0"
	} >"$d/debugcon.log"
	printf '\0' >"$d/exit.bin"
	echo 100.000000 >"$d/t0"; echo 100.002500 >"$d/first"; echo 100.500000 >"$d/end"
	echo '{"return": [{"provider": "kvm", "stats": [{"name": "mmu_pte_write", "value": 7}]}]}' \
		>"$d/query-stats-vm.json"
	echo '{"return": [{"provider": "kvm", "stats": [{"name": "exits", "value": '"$2"'},
		{"name": "irq_exits", "value": '"$3"'}, {"name": "signal_exits", "value": 2},
		{"name": "pf_taken", "value": '"$4"'}, {"name": "halt_poll_success_hist", "value": [1, 2, 3]}]}]}' \
		>"$d/query-stats-vcpu.json"
}
cowbench_run() { # name dirty-exits dirty-pf cow
	local d=$runs/cowbench-$1
	mkdir -p "$d/out"
	echo 200.000000 >"$d/t0"; echo 200.250000 >"$d/end"
	printf '%s\n' "mmu,phase,$counters" "pvm-shadow,null,$zeros" \
		"pvm-shadow,dirty,$(sed "s/^0/$4/" <<<"$zeros")" >"$d/out/vm.csv"
	printf '%s\n' sample,phase,source,stat,delta,kind 0,null,vcpu,exits,3,cumulative \
		0,null,vmm,exits,1,cumulative 1,dirty,vcpu,exits,"$2",cumulative \
		1,dirty,vmm,exits,10,cumulative 1,dirty,vcpu,pf_taken,"$3",cumulative \
		1,dirty,vm,pages_4k,99,instant >"$d/out/vm-stats.csv"
	printf '%s\n' boot,guest_status,boot_from_start_ns 0,0,1234 >"$d/out/vm-boots.csv"
}
qemu_run dirty 1000 10 50 16
qemu_run base 600 8 20 0
cowbench_run dirty 300 40 16
cowbench_run base 100 5 0
out=$tmp/out
mkdir -p "$out"
check "write exits 0" "$x" write --runs "$runs" --out "$out" --qemu-cpu host,-arch-capabilities -- "${opts[@]}"
csv=$out/qemu-crosscheck.csv
check "the header is cowbench-xcheck's columns" is "$(head -n 1 "$csv")" "$cols"
f() { csv_get "$csv" "$4" source="$1" run="$2" scope="$3"; } # source run scope column
tx=$(( $(wc -c <"$runs/qemu-dirty/debugcon.log") + 1 ))
check "qemu: one transport exit per debugcon byte, plus the exit port" is "$(f qemu dirty run transport_exits)" $tx
check "qemu: exits_net = exits - transport - irq - signal" is "$(f qemu dirty run exits_net)" $((1000 - tx - 10 - 2))
check "qemu: vm and vcpu statistics add up" is "$(f qemu dirty run mmu_pte_write)" 7
check "qemu: the guest's phase lines summed" is "$(f qemu dirty run cow_copies)" 16
check "qemu: phase records" is "$(f qemu dirty run phase_records)" 2
check "qemu: startup, first byte - exec" is "$(f qemu dirty run startup_ns)" 2500000
check "qemu: the CPU model" is "$(f qemu dirty run qemu_cpu)" "host,-arch-capabilities"
check "qemu diff: exits" is "$(f qemu diff run exits)" 400
check "qemu diff: no status or time" is "$(f qemu diff run guest_status)$(f qemu diff run wall_ns)" ""
check "qemu: a statistic neither side has is empty" is "$(f qemu dirty run pf_fixed)" ""
check "cowbench phases: every phase's exits" is "$(f cowbench dirty phases exits)" 303
check "cowbench phases: its own count of handled exits is the transport" is "$(f cowbench dirty phases transport_exits)" 11
check "cowbench phases: exits_net" is "$(f cowbench dirty phases exits_net)" 292
check "cowbench: what QEMU lists and ours never changed is 0" is "$(f cowbench dirty phases mmu_pte_write)" 0
check "cowbench dirty scope: the dirty phase only" is "$(f cowbench dirty dirty exits)" 300
check "cowbench diff: dirty - base" is "$(f cowbench diff dirty pf_taken)" 35
check "cowbench: counters from vm.csv" is "$(f cowbench dirty phases cow_copies)" 16
check "cowbench: startup from vm-boots.csv" is "$(f cowbench dirty phases startup_ns)" 1234
check "cowbench: wall time" is "$(f cowbench dirty phases wall_ns)" 250000000
check "cowbench: the mmu from vm.csv" is "$(f cowbench dirty phases mmu)" pvm-shadow
check "the configuration's dimensions" is "$(f cowbench dirty phases fork_design)/$(f qemu base run dirty_pages)" eager/0
st=$out/qemu-crosscheck-stats.csv
check "stats: a histogram summed" grep -qx 'qemu,dirty,vcpu,halt_poll_success_hist,6' "$st"
check "stats: ours, summed over phases, instant ones too" grep -qx 'cowbench,dirty,vm,pages_4k,99' "$st"

# Bad runs: the guest failed, a QMP error, a malformed vm.csv.
cp -R "$runs" "$tmp/bad"
echo "cowbench-exit status=3" >>"$tmp/bad/qemu-base/debugcon.log"
err=$("$x" write --runs "$tmp/bad" --out "$out" --qemu-cpu host -- "${opts[@]}" 2>&1)
check "a guest that failed: exit 1" [ $? -eq 1 ]
check "... saying so" grep -q "base run: the guest exited with status 3 (exit port byte 0)" <<<"$err"
rm -rf "$tmp/bad" && cp -R "$runs" "$tmp/bad"
echo '{"error": {"class": "GenericError", "desc": "no such target"}}' >"$tmp/bad/qemu-dirty/query-stats-vm.json"
err=$("$x" write --runs "$tmp/bad" --out "$out" --qemu-cpu host -- "${opts[@]}" 2>&1)
check "a QMP error: exit 1 with QEMU's words" grep -q "query-stats vm: no such target" <<<"$err"
rm -rf "$tmp/bad" && cp -R "$runs" "$tmp/bad"
sed -i '2s/,0/,x/' "$tmp/bad/cowbench-dirty/out/vm.csv"
err=$("$x" write --runs "$tmp/bad" --out "$out" --qemu-cpu host -- "${opts[@]}" 2>&1)
check "a non-numeric counter: exit 1" [ $? -eq 1 ]
check "... naming it" grep -q "is not an integer" <<<"$err"
check "failed writes left the good files alone" is "$(head -n 1 "$csv")" "$cols"
finish
