#!/bin/bash
# `cowbench vm` with bad input: unknown names, bad sizes, unwritable --out,
# missing or malformed kernels.  Each must end in exit 2 and exactly one
# line "cowbench: <what>: <why>", before /dev/kvm is ever opened (so this
# runs anywhere, and under ASan in CI).
set -u
. "$(dirname "$0")/vmlib.sh"
bin=$COWBENCH_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
good=$(vm_guest ok)
[ -f "$good" ] || { echo "FAIL: test guest $good not built"; exit 1; }

# expect_usage NEEDLE ARGS...: exit 2, one line, mentioning NEEDLE
expect_usage()
{
	local needle=$1
	shift
	"$bin" vm --out "$tmp/out" --kernel "$good" "$@" >"$tmp/stdout" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
		! grep -q "^cowbench: .*$needle" "$tmp/err"; then
		echo "FAIL: vm $* -> exit $rc, wanted 2 and one line with '$needle':" >&2
		cat "$tmp/err" >&2
		vm_fail=1
	fi
}

expect_usage "--backing: .*unknown" --backing anon4k,banana
expect_usage "--sizes: " --sizes banana
expect_usage "--sizes: " --sizes 1M,,2M
expect_usage "--sizes: .*multiple of 4K" --sizes 1000
expect_usage "--primitives: " --primitives fork,exec
expect_usage "--primitives: .*twice" --primitives fork,fork
expect_usage "--guest-pages: " --guest-pages 1g
expect_usage "--cow-policy: " --cow-policy move
expect_usage "--prefault: " --prefault maybe
expect_usage "--fork-design: .*unknown fork design 'cow'" --fork-design eager,cow
expect_usage "--fork-design: .*twice" --fork-design odf,odf
expect_usage "--and: at most" --and --and --and --and --and --and --and --and
expect_usage "--dirty: " --dirty lots
expect_usage "--dirty: " --dirty 150%
expect_usage "--reps: " --reps 0
expect_usage "--reps: " --reps many
expect_usage "--ram: " --ram 1K
expect_usage "--ram: " --ram 1T
expect_usage "--timeout: " --timeout -1
expect_usage "--timeout: " --timeout soon
expect_usage "--where: " --where moon
expect_usage "--guest-args: " --guest-args $'a\nb'
expect_usage "--guest-args: .*exceeds" --guest-args "$(head -c 5000 /dev/zero | tr '\0' x)"
expect_usage "unknown option '--frobnicate'" --frobnicate
expect_usage "needs a value" --sizes
expect_usage "unexpected argument 'extra'" extra
expect_usage "--out: " --out /proc/nope/x
# vm-plan.json records the options as JSON, which holds UTF-8 text only
"$bin" vm --out "$tmp/out"$'\xff' --kernel "$good" >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	LC_ALL=C grep -q "^cowbench: vm: .* is not UTF-8 text, which vm-plan.json must record" "$tmp/err"'
check '[ ! -e "$tmp/out"$'"'"'\xff'"'"' ]'
expect_usage "no guest kernel at /nonexistent" --kernel /nonexistent
expect_usage "--kernel: .*not a regular file" --kernel /tmp
# Checked on the descriptor that is read: a FIFO must not hang the open, a
# device is no kernel, and the size cap holds before anything is read.
mkfifo "$tmp/fifo.elf"
expect_usage "--kernel: .*not a regular file" --kernel "$tmp/fifo.elf"
expect_usage "--kernel: .*not a regular file" --kernel /dev/zero
truncate -s 300M "$tmp/huge.elf"
expect_usage "--kernel: .*at most 268435456 bytes" --kernel "$tmp/huge.elf"
rm -f "$tmp/huge.elf"
COWBENCH_GUEST=/nonexistent/guest "$bin" vm --out "$tmp/out" 2>"$tmp/err"
check '[ $? -eq 2 ] && grep -q "no guest kernel at /nonexistent/guest" "$tmp/err"'

# Malformed kernels, built from the good one.  patch FILE OFFSET HEXBYTES
patch()
{
	printf "$(echo "$3" | sed 's/../\\x&/g')" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
mk() { cp "$good" "$tmp/$1.elf"; }

: >"$tmp/empty.elf"
expect_usage "--kernel: .*too short" --kernel "$tmp/empty.elf"
echo "just text, not an ELF file at all, but long enough to hold a header......" >"$tmp/text.elf"
expect_usage "--kernel: .*bad magic" --kernel "$tmp/text.elf"
head -c 100 "$good" >"$tmp/trunc.elf"
expect_usage "--kernel: .*past the end" --kernel "$tmp/trunc.elf"
head -c 4200 "$good" >"$tmp/trunc2.elf"
expect_usage "--kernel: .*truncated" --kernel "$tmp/trunc2.elf"
mk class; patch "$tmp/class.elf" 4 01
expect_usage "--kernel: .*64-bit" --kernel "$tmp/class.elf"
mk machine; patch "$tmp/machine.elf" 18 b700
expect_usage "--kernel: .*x86-64" --kernel "$tmp/machine.elf"
mk phnum; patch "$tmp/phnum.elf" 56 ffff
expect_usage "--kernel: .*program headers" --kernel "$tmp/phnum.elf"
# first program header at 64: p_paddr at 64+24, p_memsz at 64+40
mk low; patch "$tmp/low.elf" 88 0010000000000000
expect_usage "--kernel: .*reserved" --kernel "$tmp/low.elf"
mk far; patch "$tmp/far.elf" 88 00000000ff7f0000
expect_usage "--kernel: .*outside guest RAM" --kernel "$tmp/far.elf"
mk wrap; patch "$tmp/wrap.elf" 88 00f0ffffffffffff
expect_usage "--kernel: .*outside guest RAM" --kernel "$tmp/wrap.elf"
mk huge; patch "$tmp/huge.elf" 104 ffffffffffffff7f
expect_usage "--kernel: .*more than guest RAM" --kernel "$tmp/huge.elf"
# second header's p_paddr (at 120+24) onto the first segment
mk overlap; patch "$tmp/overlap.elf" 144 0000100000000000
expect_usage "--kernel: .*overlaps" --kernel "$tmp/overlap.elf"
mk entry; patch "$tmp/entry.elf" 24 0000200000000000
expect_usage "--kernel: .*entry point" --kernel "$tmp/entry.elf"

check '[ ! -e "$tmp/out/vm.csv" ]'

# --list: what scripts ask instead of keeping copies of the names.
check '[ "$("$bin" vm --list guest-pages | paste -sd,)" = 4k,2m ]'
check '[ "$("$bin" vm --list primitives | paste -sd,)" = fork,vfork,clone_vm,spawn ]'
check '[ "$("$bin" vm --list backing | head -n 1)" = anon4k ]'
expect_usage "--list: unknown list 'banana'" --list banana
"$bin" vm --help >"$tmp/help"
check '[ $? -eq 0 ] && grep -q -- "--guest-pages" "$tmp/help"'
exit $vm_fail
