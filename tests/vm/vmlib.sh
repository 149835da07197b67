# Helpers for tests that drive `cowbench vm` (source this file).  Meant for
# reuse: the exact-count tests with the real guest build on them.
#
#   vm_require_kvm              exit 77 (skip) unless /dev/kvm is usable
#   vm_guest NAME               path of test guest NAME (tests/vm/guests)
#   vm_run OUT [ARGS...]        cowbench vm --out OUT ARGS (a one-boot matrix
#                               unless ARGS override it); sets vm_rc, keeps
#                               stderr in OUT/stderr
#   vm_csv FILE COL [K=V...]    prints COL of every row where each column K
#                               equals V, one per line
#   vm_count FILE [K=V...]      number of such rows
#   vm_rows FILE [DROP]         every row of FILE, sorted, as its columns but
#                               the comma-separated DROP joined by "|" (a row
#                               with the wrong field count: "torn: ...")
#                               (both print nothing, so a comparison fails,
#                               when a named column does not exist)
#   check 'SHELL TEST'          records a failure (and prints it) when false
#
# The caller sets COWBENCH_BIN (ctest does) and may set COWBENCH_BUILD.
vm_fail=0

check()
{
	if ! eval "$1"; then
		echo "FAIL: $1" >&2
		vm_fail=1
	fi
}

vm_require_kvm()
{
	if ! [ -c /dev/kvm ] || ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "SKIP: /dev/kvm is missing or not read-write for this user"
		exit 77
	fi
}

vm_guest()
{
	echo "${COWBENCH_BUILD:?}/tests/vm/guests/tg_$1.elf"
}

vm_run()
{
	local out=$1
	shift
	mkdir -p "$out"
	COWBENCH_QUIET=1 "${COWBENCH_BIN:?}" vm --out "$out" --primitives fork --sizes 256K \
		--guest-pages 4k --backing anon4k --prefault no --dirty 1 --reps 1 "$@" \
		>"$out/stdout" 2>"$out/stderr"
	vm_rc=$?
}

_vm_csv_awk=$(dirname "${BASH_SOURCE[0]}")/../csv.awk

vm_csv()
{
	local file=$1 want=$2
	shift 2
	awk -v want="$want" -v filters="$*" -f "$_vm_csv_awk" "$file"
}

vm_count()
{
	local file=$1
	shift
	awk -v want="" -v filters="$*" -f "$_vm_csv_awk" "$file"
}

vm_rows()
{
	awk -v want="*" -v drop="${2:-}" -v filters="" -f "$_vm_csv_awk" "$1" | LC_ALL=C sort
}
