# Shared by the nested tests: run a script of scripts/ into a temporary run
# directory, turn its 77 into a skip with its reason, read the CSVs it
# writes, and count failures.
src=${COWBENCH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

check() { # description, command...
	local what=$1
	shift
	if ! "$@"; then echo "FAIL: $what"; fails=$((fails + 1)); fi
}

# run_script NAME ARGS...: scripts/NAME --out $tmp/run ARGS, its output in
# $tmp/script.log and its exit status in $rc; on 77 the test skips.
run_script() {
	local name=$1
	shift
	rc=0
	"$src/scripts/$name" --out "$tmp/run" "$@" >"$tmp/script.log" 2>&1 || rc=$?
	if [ $rc -eq 77 ]; then
		echo "SKIP: $(tail -n 1 "$tmp/script.log" | sed "s/^cowbench: $name: //")"
		exit 77
	fi
}

# nested_run ARGS...: scripts/nested --out $tmp/run ARGS; skips on 77,
# fails the test on any other non-zero status.
nested_run() {
	run_script nested "$@"
	if [ $rc -ne 0 ]; then
		cat "$tmp/script.log"
		echo "FAIL: scripts/nested $* exited with status $rc"
		exit 1
	fi
}

# csv_get FILE COLUMN [NAME=VALUE...]: COLUMN of the first row whose NAME
# columns hold those values (quoted fields understood); NO-COLUMN when the
# file has no such column.
csv_get() {
	local file=$1 col=$2 v
	shift 2
	v=$(awk -v want="$col" -v filters="$*" -f "$src/tests/csv.awk" "$file" 2>/dev/null) ||
		{ echo NO-COLUMN; return; }
	printf '%s\n' "$v" | head -n 1
}

finish() {
	if [ $fails -ne 0 ]; then
		if [ -s "$tmp/script.log" ]; then
			echo "--- the script said:"
			cat "$tmp/script.log"
		fi
		echo "$fails check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
