/* The result store: sample ids, and the four CSVs read back by column
 * name, with every column results/README.md promises. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"
#include "vm_kstats.h"
#include "vm_store.h"

/* Every column of each file, in results/README.md's order. */
static const char *const vm_cols[] = {
	"where", "mmu", "timing_valid", "primitive", "guest_page", "cow_policy", "backing",
	"prefault", "fork_design", "region_bytes", "dirty_pages", "rep", "sample", "phase", "cycles", "ns",
	"tsc_khz", "cow_copies", "cow_copies_2m", "cow_reuses", "cow_splits", "zero_fills",
	"other_cow_copies", "other_cow_reuses", "other_zero_fills", "pt_pages_copied",
	"ptes_copied", "fresh_frames", "guest_faults", "syscalls", "full_copies", "pt_copies",
	"pte_writes", "exits", "pf_taken",
	"pf_fixed", "pf_emulate", "pf_guest", "pf_spurious", "tlb_flush", "invlpg", "io_exits",
	"insn_emulation", "mmu_shadow_zapped", "mmu_pte_write", "mmu_cache_miss", "hc_exits",
	"vmm_exits", "boot", NULL};
static const char *const stats_cols[] = {"sample", "phase", "source", "stat", "delta",
					 "kind", "unit", NULL};
static const char *const boots_cols[] = {
	"boot", "where", "mmu", "guest_page", "cow_policy", "backing", "prefault", "fork_design",
	"region_bytes", "dirty_pages", "primitives", "reps", "status", "reason", "guest_status",
	"ram_bytes", "timeout_s", "tsc_khz", "create_vm_ns", "setup_ns", "boot_ns",
	"boot_from_start_ns", "run_ns", "prefault_ns", "ram_rss_bytes", "ram_huge_bytes",
	"phases", "vmm_exits", "kernel", "probe_cpu_ns", "probe_mem_ns", NULL};
static const char *const results_cols[] = {"boot", "name", "value", NULL};

/* Loads dir/name and checks its header is exactly cols and it has nrows
 * rows; NULL (with the failure counted) when not, so callers only read
 * rows that exist. */
static struct csv_table *load(const char *dir, const char *name, const char *const *cols,
			      size_t nrows)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cb_error e;
	struct csv_table *t = csv_read(path, &e);
	CHECK(t != NULL);
	if (!t) {
		fprintf(stderr, "%s\n", e.msg);
		return NULL;
	}
	size_t n = 0;
	while (cols[n])
		n++;
	CHECK_EQ_U64(t->ncols, n);
	for (size_t i = 0; i < n && i < t->ncols; i++)
		CHECK_STR(t->header[i], cols[i]);
	CHECK_EQ_U64(t->nrows, nrows);
	if (t->ncols != n || t->nrows != nrows) {
		csv_free(t);
		return NULL;
	}
	return t;
}

/* NULL for a missing column, which CHECK_STR reports. */
static const char *get(const struct csv_table *t, size_t row, const char *col)
{
	int c = csv_col(t, col);
	return c < 0 ? NULL : csv_get(t, row, c);
}

int main(void)
{
	struct vm_store s;
	vm_store_init(&s);
	s.where = "host";
	s.mmu = "pvm-shadow";
	s.prims = "fork";
	s.reps = 2;
	s.kernel = "guest.elf";

	struct vm_config cfg = {.gpage = VM_GPAGE_4K, .backing = VM_BACKING_THP,
				.region_bytes = 2u << 20, .dirty_pages = 16, .prefault = true};
	uint32_t b = vm_store_add_boot(&s, &cfg);
	s.boots[b].tsc_khz = 1000000; /* 1 GHz: cycles == ns */
	s.boots[b].kvm_cols_present = 1u << 0; /* "exits" exists, the rest not */
	s.boots[b].status = VM_BOOT_OK;

	/* samples: (fork, 0) shares one id across phases; NONE gets its own */
	uint64_t s0 = vm_store_sample(&s, CB_PRIM_FORK, 0);
	CHECK_EQ_U64(vm_store_sample(&s, CB_PRIM_FORK, 0), s0);
	uint64_t s1 = vm_store_sample(&s, CB_PRIM_FORK, 1);
	CHECK(s1 != s0);
	CHECK(vm_store_sample(&s, CB_PRIM_NONE, 0) != vm_store_sample(&s, CB_PRIM_NONE, 0));
	for (uint32_t r = 0; r < 1000; r++) /* the map grows */
		vm_store_sample(&s, CB_PRIM_SPAWN, r);
	CHECK_EQ_U64(vm_store_sample(&s, CB_PRIM_FORK, 1), s1);

	uint32_t exits = vm_store_intern(&s, "exits"), pf = vm_store_intern(&s, "pf_taken");
	uint32_t hc = vm_store_intern(&s, "hc"), none = vm_store_intern(&s, "");
	CHECK_EQ_U64(vm_store_intern(&s, "exits"), exits);
	size_t first = s.nstats;
	vm_store_add_stat(&s, VM_SRC_VCPU, exits, none, KSTATS_CUMULATIVE, 3);
	vm_store_add_stat(&s, VM_SRC_VCPU, pf, none, KSTATS_CUMULATIVE, 9);
	vm_store_add_stat(&s, VM_SRC_VMM, exits, none, KSTATS_CUMULATIVE, 1);
	vm_store_add_stat(&s, VM_SRC_VMM, hc, none, KSTATS_CUMULATIVE, 1);
	struct cb_phase_record rec = {.phase = CB_PHASE_DIRTY, .primitive = CB_PRIM_FORK, .rep = 1,
				      .size = sizeof(rec), .cycles = 2500, .cow_copies = 16};
	vm_store_add_phase(&s, b, &rec, first, 1, 1);
	vm_store_add_result(&s, b, "frames_total", 777);
	struct vm_config skipped = cfg;
	uint32_t b2 = vm_store_add_boot(&s, &skipped);
	s.boots[b2].status = VM_BOOT_SKIPPED;
	snprintf(s.boots[b2].reason, sizeof(s.boots[b2].reason), "hugetlb2m: no pages, sorry");

	char dir[] = "/tmp/cowbench-vmstore-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	cb_error e;
	CHECK(vm_store_write(&s, dir, &e) == 0);

	struct csv_table *t = load(dir, "vm.csv", vm_cols, 1);
	if (t) {
		CHECK_STR(get(t, 0, "where"), "host");
		CHECK_STR(get(t, 0, "mmu"), "pvm-shadow");
		CHECK_STR(get(t, 0, "primitive"), "fork");
		CHECK_STR(get(t, 0, "guest_page"), "4k");
		CHECK_STR(get(t, 0, "region_bytes"), "2097152");
		CHECK_STR(get(t, 0, "dirty_pages"), "16");
		CHECK_STR(get(t, 0, "phase"), "dirty");
		CHECK_STR(get(t, 0, "backing"), "thp");
		CHECK_STR(get(t, 0, "prefault"), "yes");
		CHECK_STR(get(t, 0, "timing_valid"), "false");
		CHECK_STR(get(t, 0, "rep"), "1");
		CHECK_STR(get(t, 0, "cycles"), "2500");
		CHECK_STR(get(t, 0, "ns"), "2500");
		CHECK_STR(get(t, 0, "tsc_khz"), "1000000");
		CHECK_STR(get(t, 0, "cow_copies"), "16");
		CHECK_STR(get(t, 0, "zero_fills"), "0");
		CHECK_STR(get(t, 0, "exits"), "3");	/* vcpu only, not the vmm counter */
		CHECK_STR(get(t, 0, "pf_taken"), ""); /* this KVM "lacks" it */
		CHECK_STR(get(t, 0, "hc_exits"), "1");
		CHECK_STR(get(t, 0, "vmm_exits"), "1");
		CHECK_STR(get(t, 0, "boot"), "0");
		char sid[32];
		snprintf(sid, sizeof(sid), "%llu", (unsigned long long)s1);
		CHECK_STR(get(t, 0, "sample"), sid);
	}
	csv_free(t);
	t = load(dir, "vm-stats.csv", stats_cols, 4);
	if (t) {
		CHECK_STR(get(t, 1, "stat"), "pf_taken");
		CHECK_STR(get(t, 1, "source"), "vcpu");
		CHECK_STR(get(t, 1, "delta"), "9");
		CHECK_STR(get(t, 1, "phase"), "dirty");
		CHECK_STR(get(t, 3, "source"), "vmm");
		CHECK_STR(get(t, 3, "kind"), "cumulative");
	}
	csv_free(t);
	t = load(dir, "vm-boots.csv", boots_cols, 2);
	if (t) {
		CHECK_STR(get(t, 0, "boot"), "0");
		CHECK_STR(get(t, 0, "where"), "host");
		CHECK_STR(get(t, 0, "backing"), "thp");
		CHECK_STR(get(t, 0, "primitives"), "fork");
		CHECK_STR(get(t, 0, "reps"), "2");
		CHECK_STR(get(t, 0, "status"), "ok");
		CHECK_STR(get(t, 1, "status"), "skipped");
		CHECK_STR(get(t, 1, "reason"), "hugetlb2m: no pages, sorry");
		CHECK_STR(get(t, 0, "phases"), "1");
		CHECK_STR(get(t, 0, "tsc_khz"), "1000000");
		/* Never reached or never measured: empty, not 0. */
		CHECK_STR(get(t, 0, "guest_status"), "");
		CHECK_STR(get(t, 0, "ram_bytes"), "");
		CHECK_STR(get(t, 0, "prefault_ns"), "");
		CHECK_STR(get(t, 0, "ram_rss_bytes"), "");
		CHECK_STR(get(t, 0, "kernel"), "guest.elf");
		/* a boot the store made and nobody timed has no probe, not 0 */
		CHECK_STR(get(t, 1, "probe_cpu_ns"), "");
	}
	csv_free(t);
	t = load(dir, "vm-results.csv", results_cols, 1);
	if (t) {
		CHECK_STR(get(t, 0, "boot"), "0");
		CHECK_STR(get(t, 0, "name"), "frames_total");
		CHECK_STR(get(t, 0, "value"), "777");
	}
	csv_free(t);

	/* A second write appends the rows added since, behind the same header,
	 * and leaves the earlier bytes as they were: its cost is that of the
	 * new rows alone.  The written rows are gone from memory. */
	CHECK_EQ_U64(s.nphases, 0);
	CHECK_EQ_U64(s.nstats, 0);
	CHECK_EQ_U64(s.nresults, 0);
	char vm_path[512], *before = NULL, *after = NULL;
	size_t before_len = 0, after_len = 0;
	snprintf(vm_path, sizeof(vm_path), "%s/vm.csv", dir);
	CHECK(cb_read_file(vm_path, (void **)&before, &before_len, &e) == 0);
	uint32_t b3 = vm_store_add_boot(&s, &cfg);
	s.boots[b3].status = VM_BOOT_ERROR;
	first = s.nstats;
	vm_store_add_stat(&s, VM_SRC_VCPU, exits, none, KSTATS_CUMULATIVE, 5);
	vm_store_add_phase(&s, b3, &rec, first, 1, 1);
	vm_store_add_result(&s, b3, "frames_total", 778);
	CHECK(vm_store_write(&s, dir, &e) == 0);
	CHECK(cb_read_file(vm_path, (void **)&after, &after_len, &e) == 0);
	CHECK(before && after && after_len > before_len && !memcmp(before, after, before_len));
	free(before);
	free(after);
	CHECK_EQ_U64(s.phases_total, 2);
	t = load(dir, "vm.csv", vm_cols, 2);
	if (t) {
		CHECK_STR(get(t, 1, "boot"), "2");
		CHECK_STR(get(t, 1, "exits"), "");	/* boot 2 "lacks" every KVM column */
	}
	csv_free(t);
	t = load(dir, "vm-stats.csv", stats_cols, 5);
	if (t)
		CHECK_STR(get(t, 4, "delta"), "5");
	csv_free(t);
	t = load(dir, "vm-boots.csv", boots_cols, 3);
	if (t) {
		CHECK_STR(get(t, 2, "boot"), "2");
		CHECK_STR(get(t, 2, "status"), "error");
		CHECK_STR(get(t, 1, "status"), "skipped");
	}
	csv_free(t);
	t = load(dir, "vm-results.csv", results_cols, 2);
	if (t) {
		CHECK_STR(get(t, 1, "boot"), "2");
		CHECK_STR(get(t, 1, "value"), "778");
	}
	csv_free(t);
	const char *files[] = {"vm.csv", "vm-stats.csv", "vm-boots.csv", "vm-results.csv"};
	for (size_t i = 0; i < CB_ARRAY_SIZE(files); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	vm_store_free(&s);
	return check_done();
}
