#!/bin/bash
# cowbench-nested-untar (scripts/nested's unpacking of what the nested guest
# sends), no QEMU needed: the guest made every byte of a result block, so a
# block with a symbolic link, a hard link, an absolute name, a `..`
# member, a device or FIFO, a name outside its block, a member twice, a
# file with members below it, or more bytes than the cap is refused whole, with one line saying why, and
# nothing outside the target directory is touched.  A plain block unpacks
# with our modes, not the archive's.
set -u
build=${COWBENCH_BUILD:?COWBENCH_BUILD not set (run through ctest)}
untar=$build/scripts/nested-tools/cowbench-nested-untar
[ -x "$untar" ] || { echo "FAIL: $untar not built"; exit 1; }
. "$(dirname "$0")/lib.sh" # tmp, fails, check, finish

srcd=$tmp/src
mkdir -p "$srcd/npt/sub" "$tmp/outside"
echo "where,mmu" >"$srcd/npt/vm.csv"
echo "log" >"$srcd/npt/sub/vm.log"
chmod 4777 "$srcd/npt/vm.csv" # setuid, world-writable: must not survive
echo "host secret" >"$tmp/outside/secret"

# refused NAME REGEX TAR-ARGS...: a block made by GNU tar from $src with
# TAR-ARGS must be refused with a message matching REGEX.
refused() {
	local name=$1 re=$2
	shift 2
	tar -C "$srcd" -czf "$tmp/$name.tgz" "$@" 2>/dev/null
	local err rc=0
	err=$("$untar" --under npt "$tmp/$name.tgz" "$tmp/x-$name" 2>&1) || rc=$?
	check "$name: refused (exit 1, got $rc)" [ $rc -eq 1 ]
	check "$name: one line naming why ('$err')" \
		grep -qE "^cowbench: nested-untar: .*refused: .*$re" <<<"$err"
	check "$name: one line only" [ "$(wc -l <<<"$err")" -eq 1 ]
	check "$name: nothing unpacked" [ ! -e "$tmp/x-$name" ]
}

ln -s /etc/hostname "$srcd/npt/link.log"
refused symlink "'npt/link.log' is a symbolic link" npt
rm "$srcd/npt/link.log"

ln "$srcd/npt/sub/vm.log" "$srcd/npt/hard.log"
refused hardlink "'npt/[a-z/]*\.log' is a hard link" npt
rm "$srcd/npt/hard.log"

refused absolute "absolute name" -P "$tmp/outside/secret"
refused dotdot "'\.\.' component" --transform 's,^npt/vm.csv,npt/../../outside/secret,' npt/vm.csv
refused outside "lies outside npt/" npt ../outside
mkfifo "$srcd/npt/fifo"
refused fifo "'npt/fifo' is a FIFO" npt
rm "$srcd/npt/fifo"
if [ "$(id -u)" = 0 ]; then
	mknod "$srcd/npt/null" c 1 3
	refused device "'npt/null' is a character device" npt
	rm "$srcd/npt/null"
fi
refused badchar "character outside" --transform 's,^npt/vm.csv,npt/vm$(x).csv,' npt/vm.csv
refused twice "appears twice" --hard-dereference npt/vm.csv npt/vm.csv
refused filedir "'npt/vm.csv' is a file with members below it" \
	--transform 's,^npt/sub/vm.log,npt/vm.csv/x,' npt/vm.csv npt/sub/vm.log
head -c 5000 /dev/zero >"$srcd/npt/big"
tar -C "$srcd" -czf "$tmp/big.tgz" npt
rm "$srcd/npt/big"
err=$("$untar" --max-bytes 4096 --under npt "$tmp/big.tgz" "$tmp/x-big" 2>&1)
check "over --max-bytes: refused" [ $? -eq 1 ]
check "... saying so ('$err')" grep -q "more than .* 4096 bytes" <<<"$err"
check "... before writing anything" [ ! -e "$tmp/x-big" ]
printf 'not a tarball' >"$tmp/junk.tgz"
"$untar" --under npt "$tmp/junk.tgz" "$tmp/x-junk" 2>/dev/null
check "garbage: refused" [ $? -eq 1 ]

# A plain block: files and directories only, our modes, no owners kept.
tar -C "$srcd" -czf "$tmp/good.tgz" --owner=1234 --group=5678 npt
check "a plain block unpacks" "$untar" --under npt "$tmp/good.tgz" "$tmp/x-good"
check "its files came through" cmp -s "$srcd/npt/sub/vm.log" "$tmp/x-good/npt/sub/vm.log"
check "mode 0644, not the archive's 4777" [ "$(stat -c %a "$tmp/x-good/npt/vm.csv")" = 644 ]
check "owned by us, not 1234" [ "$(stat -c %u "$tmp/x-good/npt/vm.csv")" = "$(id -u)" ]
not() { ! "$@"; }
check "an existing target is refused" not "$untar" --under npt "$tmp/good.tgz" "$tmp/x-good" 2>/dev/null
check "the host file outside is untouched" [ "$(cat "$tmp/outside/secret")" = "host secret" ]
"$untar" "$tmp/good.tgz" "$tmp/x-usage" 2>/dev/null
check "no --under: usage, exit 2" [ $? -eq 2 ]

# show_tail (scripts/lib.sh) prints the tail of a log named by what the
# guest sent: never through a link to a host file, and never the guest's
# control characters.
me=test . "$src/scripts/lib.sh"
ln -s "$tmp/outside/secret" "$tmp/x-good/npt/evil.log"
check "show_tail follows no symbolic link" [ -z "$(show_tail "$tmp/x-good/npt/evil.log" 2>&1)" ]
printf 'ok\033]0;pwned\007\n' >"$tmp/x-good/npt/ctl.log"
check "show_tail neutralises control characters" \
	[ "$(show_tail "$tmp/x-good/npt/ctl.log" 2>&1)" = "    | ok?]0;pwned?" ]
finish
