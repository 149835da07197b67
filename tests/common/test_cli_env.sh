#!/bin/bash
# cowbench env: valid JSON with the fields a report and compare rely on,
# meta.json written atomically, bad input rejected with exit 2.
set -u
fail=0
bin=$COWBENCH_BIN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

"$bin" env --out "$tmp/run" >"$tmp/stdout" 2>"$tmp/stderr"
check '[ $? -eq 0 ]'
check 'jq -e . "$tmp/run/meta.json" >/dev/null'
check 'cmp -s "$tmp/stdout" "$tmp/run/meta.json"'
for key in .cpu.vendor .cpu.brand .cpu.family .cpu.flags.pdpe1gb .kernel.release \
           .memory.thp.enabled .kvm.mmu .perf.\"task-clock\" .cowbench.commit \
           .fingerprint.cpu_brand .fingerprint.kvm_mmu .fingerprint.logical_cpus; do
	check "jq -e '$key != null' \"\$tmp/run/meta.json\" >/dev/null"
done
check '[ -z "$(ls "$tmp/run" | grep tmp)" ]'

"$bin" env --out /proc/nope/x >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ]'
check 'grep -q "^cowbench: --out: " "$tmp/err"'
check '[ $(wc -l <"$tmp/err") -eq 1 ]'

"$bin" env extra >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ]'
"$bin" frobnicate >/dev/null 2>"$tmp/err"
check '[ $? -eq 2 ]'
check 'grep -q "^cowbench: frobnicate: unknown command" "$tmp/err"'
exit $fail
