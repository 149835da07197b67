# Shared helpers for the shell tests that read cowbench result CSVs.

fail=0
check() {
	# check DESCRIPTION COMMAND...: runs the command, reports a failure.
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what"
		fail=1
	fi
}

# csv_col FILE COLUMN [key=value ...]: the column's values on rows whose
# named columns equal the given values (vm.csv has no quoted fields).
csv_col() {
	local file=$1 col=$2
	shift 2
	awk -F, -v col="$col" -v filters="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
			  if (!(col in h)) { print "no column " col > "/dev/stderr"; exit 2 }
			  n = split(filters, fl, " "); next }
		{ ok = 1
		  for (j = 1; j <= n; j++) { split(fl[j], kv, "="); if ($h[kv[1]] != kv[2]) ok = 0 }
		  if (ok) print $h[col] }' "$file"
}

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

require_kvm() {
	if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "SKIP: /dev/kvm is missing or not accessible"
		exit 77
	fi
}
