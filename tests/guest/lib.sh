# Shared helpers for the guest's shell tests.  CSV lookups and the
# /dev/kvm check come from tests/vm/vmlib.sh (vm_csv prints nothing when a
# named column does not exist, so the checks below fail rather than pass
# on a renamed column); this file adds description-style checks.
. "$(dirname "${BASH_SOURCE[0]}")/../vm/vmlib.sh"

fail=0
# check DESCRIPTION COMMAND...: runs the command, reports a failure.
# (Replaces vmlib.sh's eval-style check for these tests.)
check() {
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		fail=1
	fi
}

# csv_col FILE COLUMN [key=value ...]: the column's values on matching rows.
csv_col() { vm_csv "$@"; }

# all_eq EXPECTED VALUES...: true when there is at least one value and
# every value equals EXPECTED.
all_eq() {
	local want=$1
	shift
	[ $# -gt 0 ] || { echo "  no rows"; return 1; }
	for v in "$@"; do
		[ "$v" = "$want" ] || { echo "  got $v, want $want (all: $*)"; return 1; }
	done
}

# count_is N VALUES...: exactly N values.
count_is() {
	local want=$1
	shift
	[ $# -eq "$want" ] || { echo "  $# rows, want $want"; return 1; }
}

require_kvm() { vm_require_kvm; }
