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
# Logs a guest wrote are guest text: control characters become '?', so
# they cannot drive the terminal.  Only a regular file is read (callers
# showing a file a guest named also check where it lies).
show_tail() { # file [lines]
	[ -f "$1" ] && [ ! -L "$1" ] || return 0
	tail -n "${2:-5}" "$1" | tr -c '[:print:]\t\n' '?' | sed 's/^/    | /' >&2
}

# The first QEMU CPU model this host's KVM accepts, for `-accel kvm`:
# `host` where it works; on AMD EPYC cloud VMs QEMU aborts with `failed to
# set MSR 0x10a` (IA32_ARCH_CAPABILITIES, which such KVMs refuse), and
# `host,-arch-capabilities` boots; a named model last.  Each candidate is
# tried with the machine built and stopped (-S), which is where QEMU writes
# the vCPU's MSRs, then told to quit over QMP.  Prints the model; returns 1
# with the reasons on stderr when none starts.
qemu_kvm_cpu() { # [machine, default microvm]
	local m=${1:-microvm} cpu err
	local tried=()
	for cpu in host host,-arch-capabilities max,-arch-capabilities qemu64; do
		if err=$(printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
			timeout 20 qemu-system-x86_64 -M "$m" -accel kvm -cpu "$cpu" -nodefaults -no-user-config \
				-display none -S -qmp stdio 2>&1 >/dev/null); then
			echo "$cpu"
			return 0
		fi
		tried+=("$cpu: $(head -n 1 <<<"$err")")
	done
	printf 'QEMU -accel kvm starts with none of these CPU models: %s\n' "${tried[*]}" >&2
	return 1
}
