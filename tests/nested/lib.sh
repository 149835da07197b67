# Shared by the nested tests: run scripts/nested into a temporary run
# directory, turn its 77 into a skip with its reason, and count failures.
src=${COWBENCH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

check() { # description, command...
	local what=$1
	shift
	if ! "$@"; then echo "FAIL: $what"; fails=$((fails + 1)); fi
}

# nested_run ARGS...: scripts/nested --out $tmp/run ARGS; skips on 77.
nested_run() {
	local rc=0
	"$src/scripts/nested" --out "$tmp/run" "$@" >"$tmp/nested.log" 2>&1 || rc=$?
	if [ $rc -eq 77 ]; then
		echo "SKIP: $(tail -n 1 "$tmp/nested.log" | sed 's/^cowbench: nested: //')"
		exit 77
	fi
	if [ $rc -ne 0 ]; then
		cat "$tmp/nested.log"
		echo "FAIL: scripts/nested $* exited with status $rc"
		exit 1
	fi
}

finish() {
	if [ $fails -ne 0 ]; then
		echo "--- scripts/nested said:"
		cat "$tmp/nested.log"
		echo "$fails check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
