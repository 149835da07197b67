#!/bin/bash
# scripts/aa-check on a tiny matrix: the table has a line per metric, raw
# and normalized, and a state line per run; and aa.csv's spread and
# coverage are the arithmetic of its own medians and intervals.  Timings
# themselves are not judged.
set -u
src=$COWBENCH_SRC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
fails() { echo "FAIL: $*"; fail=1; }

COWBENCH_BIN=$COWBENCH_BIN "$src/scripts/aa-check" --runs 3 --out "$tmp/aa" --primitives vfork,fork \
	--sizes 0 --pages 4k --dirty 0 --rounds 2 --min-reps 4 --max-reps 8 >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
[ $rc -eq 0 ] || { fails "aa-check exited $rc"; sed 's/^/    /' "$tmp/stderr"; exit 1; }
txt=$tmp/aa/aa.txt csv=$tmp/aa/aa.csv
[ -s "$txt" ] && [ -s "$csv" ] || { fails "no aa.txt or aa.csv"; exit 1; }
cmp -s "$txt" "$tmp/stdout" || fails "stdout is not aa.txt"
for i in 1 2 3; do
	grep -Eq "^  run $i +[12] states?: " "$txt" || fails "no machine-state line for run $i"
	[ -s "$tmp/aa/run-$i/host.csv" ] || fails "run $i has no host.csv"
done
for m in create_ns create_norm child_start_ns child_start_norm total_ns total_norm cow_ns cow_norm; do
	# metric, configs (2), pairs (2 configs x 3 x 2), coverage, ...
	line=$(grep -E "^$m " "$txt")
	[ -n "$line" ] || { fails "no summary line for $m"; continue; }
	read -r _ configs pairs cov _ <<<"$line"
	[ "$configs" = 2 ] && [ "$pairs" = 12 ] || fails "$m: $configs configs, $pairs pairs (want 2, 12)"
	# the coverage is the covered pairs of its rows over all their pairs
	want=$(awk -F, -v m="$m" 'NR > 1 && $2 == m && $4 == 1 { c += $12; p += $13 }
		END { printf "%.0f%%", p ? 100 * c / p : -1 }' "$csv")
	[ "$cov" = "$want" ] || fails "$m: coverage $cov, its rows say $want"
done
# per (config, metric, variant): three runs, spread = max/min of their
# medians, covered = pairs i != j with median i in [ci_lo j, ci_hi j]
bad=$(awk -F, 'NR > 1 {
	k = $1 SUBSEP $2 SUBSEP $3; n[k]++; med[k, $4] = $7; lo[k, $4] = $8; hi[k, $4] = $9
	sp[k] = $11; cov[k] = $12; pairs[k] = $13 }
	END {
		for (k in n) {
			if (n[k] != 3) { print "runs " n[k]; continue }
			mn = 1e300; mx = 0; c = 0
			for (i = 1; i <= 3; i++) {
				if (med[k, i] < mn) mn = med[k, i]
				if (med[k, i] > mx) mx = med[k, i]
				for (j = 1; j <= 3; j++)
					if (i != j && med[k, i] >= lo[k, j] && med[k, i] <= hi[k, j]) c++
			}
			if (pairs[k] != 6) print "pairs " pairs[k]
			if (c != cov[k]) print "covered " cov[k] " vs " c
			if (mn > 0 && (sp[k] - mx / mn) ^ 2 > (1e-6 * sp[k]) ^ 2) print "spread " sp[k] " vs " mx / mn
			if (lo[k, 1] > med[k, 1] || med[k, 1] > hi[k, 1]) print "median outside its interval"
		}
	}' "$csv")
[ -z "$bad" ] || { fails "aa.csv arithmetic:"; echo "$bad" | sort | uniq -c | sed 's/^/    /'; }
# bad input
"$src/scripts/aa-check" --runs 1 --out "$tmp/x" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "^cowbench: aa-check: --runs: " "$tmp/err" && [ ! -e "$tmp/x" ] ||
	fails "--runs 1 is not bad input"
[ "$fail" -eq 0 ] && echo "aa-check table and arithmetic ok"
exit $fail
