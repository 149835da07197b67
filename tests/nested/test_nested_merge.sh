#!/bin/bash
# cowbench-nested-merge (scripts/nested's merge step), no QEMU needed: host
# rows stay byte for byte (quoted fields included), earlier rows of the same
# `where` are replaced, incoming sample and boot ids are renumbered past the
# kept ones so vm-stats.csv and vm-results.csv still join, a column only the
# incoming side has is added (empty elsewhere), a second merge of the same
# rows changes nothing, and bad input fails with a one-line error.
set -u
build=${COWBENCH_BUILD:?COWBENCH_BUILD not set (run through ctest)}
merge=$build/scripts/nested-tools/cowbench-nested-merge
[ -x "$merge" ] || { echo "FAIL: $merge not built"; exit 1; }
. "$(dirname "$0")/lib.sh" # tmp, fails, check
same() { # file, expected text
	if ! diff -u <(printf '%s\n' "$2") "$1" >"$tmp/diff"; then
		cat "$tmp/diff"
		return 1
	fi
}

run=$tmp/run in1=$tmp/npt in2=$tmp/shadow
mkdir -p "$run" "$in1" "$in2"
printf '%s\n' 'where,mmu,sample,phase,pf_taken,boot' 'host,pvm-shadow,0,null,1,0' \
	'host,pvm-shadow,1,dirty,33,0' 'nested-tcg,npt,2,dirty,16,1' >"$run/vm.csv"
printf '%s\n' 'sample,phase,source,stat,delta' '0,null,vcpu,exits,3' '1,dirty,vcpu,exits,55' \
	'2,dirty,vcpu,exits,17' >"$run/vm-stats.csv"
printf '%s\n' 'boot,where,status,reason' '0,host,ok,"a, ""b"""' '1,nested-tcg,ok,' >"$run/vm-boots.csv"
printf '%s\n' 'boot,name,value' '0,answer,42' '1,answer,43' >"$run/vm-results.csv"

printf '%s\n' 'where,mmu,sample,phase,pf_taken,boot,newcol' 'nested-tcg,npt,0,null,0,0,x' \
	'nested-tcg,npt,1,dirty,16,0,y' >"$in1/vm.csv"
printf '%s\n' 'sample,phase,source,stat,delta' '0,null,vcpu,exits,2' '1,dirty,vcpu,exits,17' \
	>"$in1/vm-stats.csv"
printf '%s\n' 'boot,where,status,reason' '0,nested-tcg,ok,' >"$in1/vm-boots.csv"
printf '%s\n' 'boot,name,value' '0,answer,44' >"$in1/vm-results.csv"
printf '%s\n' 'where,mmu,sample,phase,pf_taken,boot' 'nested-tcg,shadow,0,dirty,34,0' >"$in2/vm.csv"
printf '%s\n' 'sample,phase,source,stat,delta' '0,dirty,vcpu,exits,51' >"$in2/vm-stats.csv"
printf '%s\n' 'boot,where,status,reason' '0,nested-tcg,ok,' >"$in2/vm-boots.csv"

expect_vm='where,mmu,sample,phase,pf_taken,boot,newcol
host,pvm-shadow,0,null,1,0,
host,pvm-shadow,1,dirty,33,0,
nested-tcg,npt,2,null,0,1,x
nested-tcg,npt,3,dirty,16,1,y
nested-tcg,shadow,4,dirty,34,2,'
expect_stats='sample,phase,source,stat,delta
0,null,vcpu,exits,3
1,dirty,vcpu,exits,55
2,null,vcpu,exits,2
3,dirty,vcpu,exits,17
4,dirty,vcpu,exits,51'
expect_boots='boot,where,status,reason
0,host,ok,"a, ""b"""
1,nested-tcg,ok,
2,nested-tcg,ok,'
expect_results='boot,name,value
0,answer,42
1,answer,44'

for round in first second; do
	check "$round merge exits 0" "$merge" --where nested-tcg "$run" "$in1" "$in2"
	check "$round merge: vm.csv" same "$run/vm.csv" "$expect_vm"
	check "$round merge: vm-stats.csv" same "$run/vm-stats.csv" "$expect_stats"
	check "$round merge: vm-boots.csv" same "$run/vm-boots.csv" "$expect_boots"
	check "$round merge: vm-results.csv" same "$run/vm-results.csv" "$expect_results"
done
check "no temporary files left" [ -z "$(ls "$run" | grep -v '^vm\(-stats\|-boots\|-results\)\{0,1\}\.csv$')" ]

# Into an empty directory: the incoming rows as they are (ids from 0).
mkdir "$tmp/empty"
check "merge into an empty dir" "$merge" --where nested-tcg "$tmp/empty" "$in2"
check "empty dir: vm.csv" same "$tmp/empty/vm.csv" 'where,mmu,sample,phase,pf_taken,boot
nested-tcg,shadow,0,dirty,34,0'

# Bad input: rows of another `where`, a missing vm.csv, a sample that is not an id.
cp -R "$run" "$tmp/keep"
err=$("$merge" --where nested-kvm "$run" "$in1" 2>&1)
check "incoming where=nested-tcg under --where nested-kvm exits 2" [ $? -eq 2 ]
check "... with a one-line reason" [ "$(echo "$err" | wc -l)" -eq 1 ]
check "... naming the row" grep -q "is where=nested-tcg, expected where=nested-kvm" <<<"$err"
err=$("$merge" --where nested-tcg "$run" "$tmp/nowhere" 2>&1)
check "missing incoming vm.csv exits 1" [ $? -eq 1 ]
mkdir "$tmp/bad"
printf '%s\n' 'where,mmu,sample,phase,boot' 'nested-tcg,npt,x1,dirty,0' >"$tmp/bad/vm.csv"
err=$("$merge" --where nested-tcg "$run" "$tmp/bad" 2>&1)
check "a non-numeric sample id exits 1" [ $? -eq 1 ]
check "... and says so" grep -q "sample 'x1' is not an id" <<<"$err"
# Guest-made ids and headers are hostile: ids that would wrap when
# renumbered, the id no renumbering can move, a column named twice.
mkdir "$tmp/wrap" "$tmp/max" "$tmp/dupcol"
printf '%s\n' 'where,mmu,sample,phase,boot' 'nested-tcg,npt,18446744073709551614,dirty,0' >"$tmp/wrap/vm.csv"
err=$("$merge" --where nested-tcg "$run" "$tmp/wrap" 2>&1)
check "ids that would wrap: exit 1" [ $? -eq 1 ]
check "... saying so" grep -q "ids too large to renumber" <<<"$err"
printf '%s\n' 'where,mmu,sample,phase,boot' 'nested-tcg,npt,18446744073709551615,dirty,0' >"$tmp/max/vm.csv"
err=$("$merge" --where nested-tcg "$tmp/empty" "$tmp/max" 2>&1)
check "sample 2^64-1: exit 1" [ $? -eq 1 ]
check "... is not an id" grep -q "is not an id" <<<"$err"
printf '%s\n' 'where,mmu,sample,sample,boot' 'nested-tcg,npt,1,2,0' >"$tmp/dupcol/vm.csv"
err=$("$merge" --where nested-tcg "$run" "$tmp/dupcol" 2>&1)
check "a column twice: exit 1" [ $? -eq 1 ]
check "... saying so" grep -q "column 'sample' appears twice" <<<"$err"
check "failed merges left the run dir alone" diff -r "$tmp/keep" "$run"

# The id sets are hashed: 200k replaced and 200k kept samples merge in
# seconds (a linear scan per row took hours).
mkdir "$tmp/big" "$tmp/bigin"
awk 'BEGIN { print "where,mmu,sample,phase,boot"
	for (i = 0; i < 400000; i++) printf "%s,npt,%d,dirty,%d\n", i % 2 ? "nested-tcg" : "host", i, i }' \
	>"$tmp/big/vm.csv"
printf '%s\n' 'where,mmu,sample,phase,boot' 'nested-tcg,npt,0,dirty,0' >"$tmp/bigin/vm.csv"
check "a large merge finishes within 60 s" timeout 60 "$merge" --where nested-tcg "$tmp/big" "$tmp/bigin"
check "... keeping the 200000 other rows and adding 1" [ "$(wc -l <"$tmp/big/vm.csv")" -eq 200002 ]
"$merge" >/dev/null 2>&1
check "no arguments: usage, exit 2" [ $? -eq 2 ]

finish
