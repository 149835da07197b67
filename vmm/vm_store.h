/* What a sweep measured since its last write: phases (vm.csv), statistic
 * deltas (vm-stats.csv) and named results (vm-results.csv) of the current
 * boot, and every boot row (vm-boots.csv).  vm_store_write appends the new
 * rows after each boot and then drops them, so neither memory nor the cost
 * of a write grows with the number of boots before it.  Rows refer to each
 * other by index, never by pointer, so the arrays may grow. */
#ifndef COWBENCH_VM_STORE_H
#define COWBENCH_VM_STORE_H

#include "cb.h"
#include "cb_abi.h"
#include "cb_kvm_stats.h"
#include "probe.h"
#include "vm_matrix.h"

enum vm_src { VM_SRC_VCPU, VM_SRC_VM, VM_SRC_VMM, VM_SRC_COUNT };
extern const char *const vm_src_names[VM_SRC_COUNT];

/* KVM statistics that get their own vm.csv column: those of
 * common/cb_kvm_stats.h marked in_vm_csv, in its order. */
#define VM_KVM_COUNT(name, in_vm_csv, required) +in_vm_csv
enum { VM_KVM_COLS = 0 CB_KVM_STATS(VM_KVM_COUNT) };
#undef VM_KVM_COUNT
extern const char *const vm_kvm_cols[VM_KVM_COLS];

struct vm_stat_row {
	uint32_t name, unit; /* interned */
	uint8_t source;	     /* enum vm_src */
	uint8_t kind;	     /* enum kstats_kind */
	int64_t delta;
};

struct vm_phase_row {
	uint32_t boot;
	uint64_t sample;
	struct cb_phase_record rec;
	uint64_t hc_exits, vmm_exits;
	size_t stat_first, stat_count;
};

enum vm_boot_status { VM_BOOT_OK, VM_BOOT_ERROR, VM_BOOT_SKIPPED };
/* vm-boots.csv's status column, NULL-terminated. */
extern const char *const vm_boot_status_names[];

struct vm_boot_row {
	struct vm_config cfg;
	enum vm_boot_status status;
	char reason[512];
	bool exited;
	uint64_t guest_status;
	uint64_t ram_bytes, tsc_khz;
	double timeout_s;
	/* ns; 0 = not reached */
	uint64_t create_vm_ns, setup_ns, boot_ns, boot_from_start_ns, run_ns, prefault_ns;
	bool residency;
	uint64_t ram_rss_bytes, ram_huge_bytes;
	uint64_t phases, vmm_exits;
	uint32_t kvm_cols_present; /* bit i: this KVM has vm_kvm_cols[i] */
	struct probe_reading probe; /* the host's speed just before the boot; NaN: not timed */
};

struct vm_result_row {
	uint32_t boot;
	char name[CB_HC_NAME_MAX + 1];
	uint64_t value;
};

struct vm_store {
	/* Run-wide labels for every row. */
	const char *where, *mmu, *prims, *kernel;
	bool timing_valid;
	uint64_t reps;

	char **strs;
	size_t nstrs, cap_strs;
	uint32_t kvm_col_ids[VM_KVM_COLS];

	struct vm_phase_row *phases;
	size_t nphases, cap_phases;
	struct vm_stat_row *stats;
	size_t nstats, cap_stats;
	struct vm_boot_row *boots;
	size_t nboots, cap_boots;
	struct vm_result_row *results;
	size_t nresults, cap_results;

	/* (primitive, rep) -> sample within the current boot: open addressing */
	uint64_t *map_keys, *map_vals;
	size_t map_cap, map_used;
	uint64_t next_sample;

	/* The id of boots[0] in the files: 0, or past the boots a resumed
	 * folder already holds (vm_resume.h), as next_sample is for samples. */
	uint64_t boot_base;

	/* What vm_store_write has done: made the files (with their headers),
	 * written boots[0, boots_written). */
	bool files_made;
	size_t boots_written;
	uint64_t phases_total; /* phase rows ever added */
};

void vm_store_init(struct vm_store *s);
void vm_store_free(struct vm_store *s);
uint32_t vm_store_intern(struct vm_store *s, const char *str);
const char *vm_store_str(const struct vm_store *s, uint32_t id);

/* A new boot row (index returned); resets the sample map. */
uint32_t vm_store_add_boot(struct vm_store *s, const struct vm_config *cfg);
/* The sample id of (primitive, rep) in the current boot; phases of no
 * primitive (CB_PRIM_NONE) get a fresh sample each. */
uint64_t vm_store_sample(struct vm_store *s, uint32_t prim, uint32_t rep);
void vm_store_add_stat(struct vm_store *s, enum vm_src src, uint32_t name, uint32_t unit,
		       uint8_t kind, int64_t delta);
/* A phase row owning the stat rows added since stat_first. */
void vm_store_add_phase(struct vm_store *s, uint32_t boot, const struct cb_phase_record *rec,
			size_t stat_first, uint64_t hc_exits, uint64_t vmm_exits);
void vm_store_add_result(struct vm_store *s, uint32_t boot, const char *name, uint64_t value);

/* The four files, in the order vm_store_write appends to them. */
enum vm_csv_file { VM_CSV_STATS, VM_CSV_RESULTS, VM_CSV_BOOTS, VM_CSV_VM, VM_CSV_COUNT };
extern const char *const vm_csv_names[VM_CSV_COUNT];
/* File f's header row as vm_store_write writes it ("a,b,c\n", malloc'ed). */
char *vm_store_header(enum vm_csv_file f);

/* Writes what is new since the last call into dir's vm-stats.csv,
 * vm-results.csv, vm-boots.csv and vm.csv (last, so a reader that sees a
 * phase finds its statistics), then drops the phase, stat and result rows
 * it wrote.  The first call makes each file atomically (temp + rename),
 * replacing what was there; later calls append (afile_open_append).  With
 * nothing added yet, the first call makes the files with their headers
 * alone. */
int vm_store_write(struct vm_store *s, const char *dir, cb_error *e);
/* Drops the phase, stat and result rows (after vm_store_write). */
void vm_store_forget_rows(struct vm_store *s);

#endif
