# Shared by the bash scripts in scripts/ (sourced, not run).  The caller
# sets `me`, its name in messages ("cowbench: <me>: ..."), before sourcing.

die() { echo "cowbench: $me: $2" >&2; exit "$1"; } # status message
say() { echo "cowbench: $me: $*" >&2; }

# --help: the comment block at the top of the script, without the '#'.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

kvm_usable() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

# A run's id: UTC time and the short host name.
run_id() { echo "$(date -u +%Y%m%dT%H%M%SZ)-$(hostname -s 2>/dev/null || echo host)"; }

# The run directory made when no --out is given: results/<run-id>, with
# results/latest pointing at it.  Prints its path.
new_run_dir() { # top
	local id
	id=$(run_id)
	mkdir -p "$1/results/$id" || return 1
	ln -sfn "$id" "$1/results/latest"
	echo "$1/results/$id"
}

# The last lines of a log, indented, on stderr: what explains an error.
show_tail() { # file [lines]
	tail -n "${2:-5}" "$1" | sed 's/^/    | /' >&2
}
