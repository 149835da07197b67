#!/bin/bash
# `cowbench vm --resume`: a sweep killed with SIGKILL (at random points, and
# cut back to every state a kill in the middle of one boot's appends can
# leave), then resumed, ends with exactly the rows of an uninterrupted run:
# the same boots, ids, phases and guest counters, nothing twice, nothing
# torn.  Timings and KVM's own counts differ from run to run (on PVM even
# exit counts do), so they are left out of the comparison; the VMM's own
# counts (vm-stats.csv rows of source vmm) are exact and compared.
# Also: a different plan is refused (exit 2, nothing changed), a missing
# folder starts afresh, a folder with rows but no plan is refused.
set -u
. "$(dirname "$0")/vmlib.sh"
vm_require_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$COWBENCH_BIN
cut_awk=$(dirname "$0")/boot_cut.awk

# 24 boots at 256K with 4 KiB pages, then a slice of 2 MiB guest pages
# whose 256K configurations are skipped: 28 boots, 2 of them skipped.
matrix=(--primitives fork,vfork --sizes 256K --guest-pages 4k --backing anon4k,thp
	--prefault no,yes --fork-design full,eager,odf --dirty 1,2 --reps 2
	--and --guest-pages 2m --cow-policy copy,split --sizes 256K,2M --backing thp
	--prefault no --fork-design eager --dirty 1)
nboots=28

run() # OUT [ARGS...]: cowbench vm --out OUT ARGS; sets rc, stderr in $tmp/err
{
	local out=$1
	shift
	COWBENCH_QUIET=1 "$bin" vm --out "$out" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
}

# What must be equal between two runs of one plan, file by file.
vm_inexact=cycles,ns,tsc_khz,exits,pf_taken,pf_fixed,pf_emulate,pf_guest,pf_spurious,tlb_flush,invlpg,io_exits,insn_emulation,mmu_shadow_zapped,mmu_pte_write,mmu_cache_miss
boots_inexact=tsc_khz,create_vm_ns,setup_ns,boot_ns,boot_from_start_ns,run_ns,prefault_ns,ram_rss_bytes,ram_huge_bytes,vmm_exits,probe_cpu_ns,probe_mem_ns
project() # DIR OUTDIR: the comparable rows of DIR's files
{
	mkdir -p "$2"
	vm_rows "$1/vm.csv" "$vm_inexact" >"$2/vm"
	vm_rows "$1/vm-boots.csv" "$boots_inexact" >"$2/boots"
	vm_rows "$1/vm-results.csv" >"$2/results"
	# KVM's statistics: which ones changed is not exact, so only each
	# row's identity; the VMM's own counts whole.
	vm_rows "$1/vm-stats.csv" delta,kind,unit | grep -v '|vmm|' >"$2/stats-keys"
	vm_rows "$1/vm-stats.csv" | grep '|vmm|' >"$2/stats-vmm"
}

# same_as_ref DIR WHAT: DIR holds exactly the reference run's rows
same_as_ref()
{
	local d=$1 what=$2 p=$tmp/proj.$RANDOM f
	project "$d" "$p"
	for f in vm boots results stats-vmm; do
		if ! cmp -s "$p/$f" "$tmp/ref.proj/$f"; then
			echo "FAIL: $what: $f rows differ from the uninterrupted run's:" >&2
			diff "$tmp/ref.proj/$f" "$p/$f" | head -n 6 >&2
			vm_fail=1
		fi
	done
	# Every row whole, every file ending in a newline, no statistic twice,
	# each one of a sample vm.csv has.
	check '! grep -q "^torn: " "$p"/*'
	for f in vm vm-boots vm-results vm-stats; do
		check '[ "$(tail -c 1 "$d/$f.csv" | od -An -c | tr -d " ")" = "\n" ]'
	done
	check '[ -z "$(uniq -d "$p/stats-keys")" ] && [ -z "$(uniq -d "$p/stats-vmm")" ]'
	check '[ -z "$(comm -23 <(cut -d"|" -f1 "$p/stats-keys" | sort -u) \
		<(vm_csv "$d/vm.csv" sample | sort -u))" ]'
	check '[ "$(vm_count "$d/vm-boots.csv")" -eq $nboots ]'
	rm -rf "$p"
}

# The uninterrupted run.
run "$tmp/ref" "${matrix[@]}"
check '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || { cat "$tmp/err" >&2; exit 1; }
project "$tmp/ref" "$tmp/ref.proj"
check '[ "$(vm_count "$tmp/ref/vm-boots.csv" status=skipped)" -eq 2 ]'
check '[ "$(vm_csv "$tmp/ref/vm-boots.csv" boot | tr "\n" " ")" = "$(seq -s " " 0 $((nboots - 1))) " ]'
check 'jq -e ".plan | length == 5 + '$nboots'" "$tmp/ref/vm-plan.json" >/dev/null'

# Killed at random points, some twice; resumed with no options (the
# folder's own) or with the same ones again.
for trial in 1 2 3 4 5; do
	d=$tmp/kill$trial
	kills=0
	for round in 1 2; do
		[ $round = 2 ] && [ $((trial % 2)) = 1 ] && break
		args=("${matrix[@]}")
		[ $round = 2 ] && args=(--resume)
		COWBENCH_QUIET=1 "$bin" vm --out "$d" "${args[@]}" >/dev/null 2>"$tmp/err.kill" &
		pid=$!
		sleep "$(awk -v s=$((RANDOM + trial)) 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 4 }')"
		kill -KILL $pid 2>/dev/null && kills=$((kills + 1))
		wait $pid 2>/dev/null
	done
	if [ $((trial % 3)) = 0 ]; then
		run "$d" --resume "${matrix[@]}"
	else
		run "$d" --resume
	fi
	check '[ $rc -eq 0 ]'
	[ $rc -eq 0 ] || cat "$tmp/err" >&2
	check 'grep -q "boots are done there" "$tmp/err"'
	same_as_ref "$d" "trial $trial ($kills kill(s), $(vm_count "$d/vm-boots.csv") boots)"
	echo "trial $trial: killed $kills time(s); resume said: $(grep -o '[0-9]* of the plan.s [0-9]* boots are done\|cut short: [^;]*\|torn last row: .*' "$tmp/err" | tr '\n' ' ')"
done

# Every state a SIGKILL during boot B's appends can leave (the files are
# appended in the order vm-stats, vm-results, vm-boots, vm): the files
# before the one being written hold B whole, that one a prefix of B's rows
# (cut mid-row or at a row boundary), the ones after none of B.
order=(vm-stats vm-results vm-boots vm)
B=20
for at in 0 1 2 3; do
	for how in torn row; do
		d=$tmp/cut-$at-$how
		cp -r "$tmp/ref" "$d"
		for k in 0 1 2 3; do
			f=$d/${order[$k]}.csv
			if [ $k = 0 ]; then
				read -r lo hi mid < <(awk -v b=$B -v id=sample -f "$cut_awk" "$d/vm.csv" "$f")
			else
				read -r lo hi mid < <(awk -v b=$B -v id=boot -f "$cut_awk" "$f")
			fi
			if [ $k -lt $at ]; then size=$hi
			elif [ $k -gt $at ]; then size=$lo
			elif [ $how = torn ]; then size=$(((lo + hi) / 2))
			else size=$mid
			fi
			truncate -s "$size" "$f"
		done
		run "$d" --resume
		check '[ $rc -eq 0 ]'
		[ $rc -eq 0 ] || cat "$tmp/err" >&2
		check 'grep -q "$B of the plan.s $nboots boots are done" "$tmp/err"'
		[ $how = torn ] && check 'grep -q "cut off a torn last row: ${order[$at]}.csv" "$tmp/err"'
		same_as_ref "$d" "cut in ${order[$at]}.csv ($how) at boot $B"
		echo "cut in ${order[$at]}.csv ($how): $(grep -o 'cut short: [^;]*\|torn last row: .*\|dropped the rows.*' "$tmp/err" | tr '\n' ' ')"
	done
done

# A finished folder: nothing to run, nothing changed.
sum() { (cd "$1" && find . -type f ! -name stderr -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
before=$(sum "$tmp/ref")
run "$tmp/ref" --resume
check '[ $rc -eq 0 ] && grep -q "$nboots of the plan.s $nboots boots are done" "$tmp/err"'
check '[ "$(sum "$tmp/ref")" = "$before" ]'
# The same plan, spelled otherwise (262144 bytes is 256K): accepted.
same=("${matrix[@]}")
same[3]=262144
run "$tmp/ref" --resume "${same[@]}"
check '[ $rc -eq 0 ] && [ "$(sum "$tmp/ref")" = "$before" ]'

# Another plan: bad input, one line, exit 2, the folder untouched.
cp -r "$tmp/kill1" "$tmp/other"
head -c -7 "$tmp/ref/vm.csv" >"$tmp/other/vm.csv" # torn, and it must stay so
before=$(sum "$tmp/other")
other() # NEEDLE ARGS...
{
	local needle=$1
	shift
	run "$tmp/other" --resume "$@"
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "^cowbench: --resume: .*$needle" "$tmp/err"; then
		echo "FAIL: --resume $* -> exit $rc, wanted 2 and one line with '$needle':" >&2
		cat "$tmp/err" >&2
		vm_fail=1
	fi
	check '[ "$(sum "$tmp/other")" = "$before" ]'
}
other "another plan: 'boot 0: .* reps=2.*' there, '.*reps=3.*' here" "${matrix[@]}" --reps 3
other "another plan: 'boots 28' there, 'boots 24' here" "${matrix[@]:0:16}"
other "another plan: 'where host' there, 'where nested-kvm' here" "${matrix[@]}" --where nested-kvm
other "another plan" "${matrix[@]}" --guest-args quiet=1
other "another plan: 'kernel " --kernel "$(vm_guest ok)"
# Rows but no plan: another sweep's (or an older cowbench's).
mv "$tmp/other/vm-plan.json" "$tmp/plan.json"
before=$(sum "$tmp/other")
other "holds vm\*.csv rows but no vm-plan.json"
mv "$tmp/plan.json" "$tmp/other/vm-plan.json"
# Files an older cowbench wrote (other columns): not appended to.
sed -i '1s/$/,extra/' "$tmp/other/vm-boots.csv"
before=$(sum "$tmp/other")
other "vm-boots.csv: its columns are not the ones this cowbench writes"

# A missing folder (or one without a sweep): --resume starts afresh.
run "$tmp/new/deep" --resume "${matrix[@]}"
check '[ $rc -eq 0 ] && grep -q "holds no sweep: starting one" "$tmp/err"'
same_as_ref "$tmp/new/deep" "--resume into a missing folder"
exit $vm_fail
