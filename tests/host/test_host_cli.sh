#!/bin/bash
# cowbench host: bad input is exit 2, one line "cowbench: <what>: <why>",
# and nothing written to --out.
set -u
bin=$COWBENCH_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# bad EXPECTED_WHAT ARGS...: runs with a fresh --out that must stay absent.
bad() {
	local what=$1
	shift
	n=$((n + 1))
	local out=$tmp/out$n
	"$bin" host "$@" --out "$out" >"$tmp/stdout" 2>"$tmp/stderr"
	local rc=$?
	local lines
	lines=$(wc -l <"$tmp/stderr")
	if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q "^cowbench: $what: " "$tmp/stderr" ||
		[ -e "$out" ] || [ -s "$tmp/stdout" ]; then
		echo "FAIL: host $* -> exit $rc, $lines stderr lines, out $( [ -e "$out" ] && echo exists || echo absent ):"
		sed 's/^/    /' "$tmp/stderr"
		fail=1
	fi
}

bad --sizes --sizes banana
bad --sizes --sizes -1M
bad --sizes --sizes ''
bad --sizes --sizes 1M,,2M
bad --sizes --sizes 1M,1M
bad --sizes --sizes 4097
bad --sizes --sizes 1T
# the size and the margin are told apart (they once shared a buffer)
if ! grep -q "^cowbench: --sizes: 1T in 4k needs " "$tmp/stderr" || grep -q " a 1T margin" "$tmp/stderr"; then
	echo "FAIL: --sizes 1T message:"; sed 's/^/    /' "$tmp/stderr"; fail=1
fi
bad --sizes --sizes 1M --pages hugetlb1g
bad --primitives --primitives spoon
bad --primitives --primitives ''
bad --primitives --primitives fork,fork
bad --pages --pages 8k
bad --dirty --dirty lots
bad --dirty --dirty -1
bad --dirty --dirty 150%
bad --cpus --cpus 4095 --sizes 0
bad --cpus --cpus x
bad --target-ci --target-ci 0
bad --max-time --max-time 0
bad --min-reps --min-reps 0
bad --min-reps --min-reps 9 --max-reps 3
bad --warmup --warmup many
bad --rounds --rounds 0
bad --rounds --rounds two
bad --rounds --rounds 1001
bad --seed --seed -1
bad --seed --seed banana
bad --seed --seed 4294967296
bad --seed --seed ''
# nothing to resume in a fresh folder, and a resumed run takes no options
bad --resume --resume
bad --resume --resume --rounds 3
# the dimensions beyond the classic sweep
bad --writer --writer both
bad --writer --writer ''
bad --pattern --pattern striped
bad --threads --threads 0
bad --threads --threads two
bad --threads --threads $(($(nproc) + 1)) --sizes 0
bad --threads --threads 2 --cpus 0 --sizes 0
bad --vmas --vmas 0
bad --vmas --vmas 3 --sizes 64M --pages 4k
bad --vmas --vmas 64 --sizes 64M --pages thp
bad --vmas --vmas 100000
bad --pattern --pattern sparse --sizes 1M
bad --pattern --pattern dense,sparse --sizes 0,64M,1M --pages 4k
bad --min-writes --min-writes lots
bad --frobnicate --frobnicate
bad --sizes --sizes
COWBENCH_EXEC_HELPER=$tmp/nope bad "exec helper" --sizes 0 --primitives posix_spawn
# a clock that cannot time the machine-state probe
shim=${COWBENCH_BUILD:-}/tests/host/libcowbench-clockfail.so
if [ -f "$shim" ]; then
	LD_PRELOAD=$shim bad probe --sizes 0 --primitives vfork
	grep -q "CLOCK_MONOTONIC_RAW" "$tmp/stderr" ||
		{ echo "FAIL: the probe error does not name the clock:"; sed 's/^/    /' "$tmp/stderr"; fail=1; }
else
	echo "FAIL: $shim not built"; fail=1
fi

# --out itself unwritable, and missing
"$bin" host --sizes 0 --out /proc/nope/x >/dev/null 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/stderr")" -ne 1 ] || ! grep -q "^cowbench: --out: " "$tmp/stderr"; then
	echo "FAIL: unwritable --out -> exit $rc"; cat "$tmp/stderr"; fail=1
fi
"$bin" host --sizes 0 >/dev/null 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 2 ] || ! grep -q "^cowbench: --out: " "$tmp/stderr"; then
	echo "FAIL: missing --out -> exit $rc"; cat "$tmp/stderr"; fail=1
fi

# A run folder describes itself: `cowbench host` alone writes meta.json
# (the fingerprint compare checks), and keeps one that is already there.
small=(--primitives vfork --sizes 0 --dirty 0 --min-reps 2 --max-reps 2 --warmup 0 --no-floor)
COWBENCH_QUIET=1 "$bin" host "${small[@]}" --out "$tmp/self" >/dev/null 2>"$tmp/stderr" ||
	{ echo "FAIL: a small host run -> exit $?"; cat "$tmp/stderr"; fail=1; }
jq -e '.fingerprint.cpu_vendor | length > 0' "$tmp/self/meta.json" >/dev/null 2>&1 ||
	{ echo "FAIL: cowbench host wrote no meta.json with a fingerprint"; fail=1; }
echo '{"kept": true}' >"$tmp/self/meta.json"
COWBENCH_QUIET=1 "$bin" host "${small[@]}" --out "$tmp/self" >/dev/null 2>"$tmp/stderr" ||
	{ echo "FAIL: a second small host run -> exit $?"; cat "$tmp/stderr"; fail=1; }
[ "$(jq -r .kept "$tmp/self/meta.json" 2>/dev/null)" = true ] ||
	{ echo "FAIL: cowbench host replaced an existing meta.json"; fail=1; }

# --help is not an error, and documents every option the parser knows
"$bin" host --help >"$tmp/help" 2>&1 || { echo "FAIL: --help exit $?"; fail=1; }
for opt in --out --primitives --sizes --pages --dirty --writer --pattern --threads --vmas --cpus \
	--rounds --seed --target-ci --max-time --min-reps --max-reps --min-writes --warmup --quick \
	--no-floor --resume; do
	grep -q -- "$opt" "$tmp/help" || { echo "FAIL: --help lacks $opt"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "$n bad inputs rejected"
exit $fail
