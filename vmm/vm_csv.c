/* The sweep's CSV files (results/README.md documents every column). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"
#include "csv.h"
#include "vm_kstats.h"
#include "vm_names.h"
#include "vm_store.h"

/* The guest's phase record, column by column (common/cb_counters.h). */
static const struct {
	const char *col;
	size_t off;
} rec_cols[] = {
#define REC_COL(name, required) {#name, offsetof(struct cb_phase_record, name)},
	CB_COUNTERS(REC_COL)
#undef REC_COL
};

/* A boot's configuration, as vm.csv and vm-boots.csv both carry it: the
 * named dimensions, then the region and dirty count. */
static void config_header(struct csv_writer *w)
{
	for (int d = 0; d < VM_DIM_COUNT; d++)
		csv_str(w, vm_dim_columns[d]);
	csv_str(w, "region_bytes");
	csv_str(w, "dirty_pages");
}

static void write_config(struct csv_writer *w, const struct vm_config *c)
{
	for (int d = 0; d < VM_DIM_COUNT; d++)
		csv_str(w, vm_dim_value(c, (enum vm_dim)d));
	csv_u64(w, c->region_bytes);
	csv_u64(w, c->dirty_pages);
}

static void put_names(struct csv_writer *w, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_str(w, names[i]);
}

/* 0 means "not measured" for these columns. */
static void u64_or_empty(struct csv_writer *w, uint64_t v)
{
	if (v)
		csv_u64(w, v);
	else
		csv_str(w, "");
}

static void write_vm_csv(FILE *fp, const struct vm_store *s)
{
	struct csv_writer w;
	csv_writer_init(&w, fp);
	static const char *const lead[] = {"where", "mmu", "timing_valid", "primitive"};
	static const char *const mid[] = {"rep", "sample", "phase", "cycles", "ns", "tsc_khz"};
	static const char *const tail[] = {"hc_exits", "vmm_exits", "boot", NULL};
	if (!s->files_made) {
		put_names(&w, lead, CB_ARRAY_SIZE(lead));
		config_header(&w);
		put_names(&w, mid, CB_ARRAY_SIZE(mid));
		for (size_t i = 0; i < CB_ARRAY_SIZE(rec_cols); i++)
			csv_str(&w, rec_cols[i].col);
		put_names(&w, vm_kvm_cols, VM_KVM_COLS);
		csv_header(&w, tail);
	}

	for (size_t i = 0; i < s->nphases; i++) {
		const struct vm_phase_row *p = &s->phases[i];
		const struct vm_boot_row *b = &s->boots[p->boot];
		csv_str(&w, s->where);
		csv_str(&w, s->mmu);
		csv_bool(&w, s->timing_valid);
		csv_str(&w, vm_prim_name(p->rec.primitive));
		write_config(&w, &b->cfg);
		csv_u64(&w, p->rec.rep);
		csv_u64(&w, p->sample);
		csv_str(&w, vm_phase_name(p->rec.phase));
		csv_u64(&w, p->rec.cycles);
		csv_double(&w, b->tsc_khz ? (double)p->rec.cycles * 1e6 / (double)b->tsc_khz : NAN);
		u64_or_empty(&w, b->tsc_khz);
		for (size_t k = 0; k < CB_ARRAY_SIZE(rec_cols); k++) {
			uint64_t v;
			memcpy(&v, (const char *)&p->rec + rec_cols[k].off, sizeof(v));
			csv_u64(&w, v);
		}
		for (size_t k = 0; k < VM_KVM_COLS; k++) {
			if (!(b->kvm_cols_present & (1u << k))) {
				csv_str(&w, "");
				continue;
			}
			int64_t sum = 0;
			for (size_t j = 0; j < p->stat_count; j++) {
				const struct vm_stat_row *st = &s->stats[p->stat_first + j];
				if (st->source != VM_SRC_VMM && st->name == s->kvm_col_ids[k])
					sum += st->delta;
			}
			csv_i64(&w, sum);
		}
		csv_u64(&w, p->hc_exits);
		csv_u64(&w, p->vmm_exits);
		csv_u64(&w, s->boot_base + p->boot);
		csv_end_row(&w);
	}
}

static void write_stats_csv(FILE *fp, const struct vm_store *s)
{
	struct csv_writer w;
	csv_writer_init(&w, fp);
	static const char *const cols[] = {"sample", "phase", "source", "stat", "delta", "kind",
					   "unit", NULL};
	if (!s->files_made)
		csv_header(&w, cols);
	for (size_t i = 0; i < s->nphases; i++) {
		const struct vm_phase_row *p = &s->phases[i];
		for (size_t j = 0; j < p->stat_count; j++) {
			const struct vm_stat_row *st = &s->stats[p->stat_first + j];
			csv_u64(&w, p->sample);
			csv_str(&w, vm_phase_name(p->rec.phase));
			csv_str(&w, vm_src_names[st->source]);
			csv_str(&w, vm_store_str(s, st->name));
			csv_i64(&w, st->delta);
			csv_str(&w, kstats_kind_name(st->kind));
			csv_str(&w, vm_store_str(s, st->unit));
			csv_end_row(&w);
		}
	}
}

const char *const vm_boot_status_names[] = {"ok", "error", "skipped", NULL};

static void write_boots_csv(FILE *fp, const struct vm_store *s)
{
	struct csv_writer w;
	csv_writer_init(&w, fp);
	static const char *const cols[] = {
		"primitives", "reps", "status", "reason", "guest_status", "ram_bytes",
		"timeout_s", "tsc_khz", "create_vm_ns", "setup_ns", "boot_ns",
		"boot_from_start_ns", "run_ns", "prefault_ns", "ram_rss_bytes",
		"ram_huge_bytes", "phases", "vmm_exits", "kernel", "probe_cpu_ns", "probe_mem_ns", NULL,
	};
	static const char *const lead[] = {"boot", "where", "mmu"};
	if (!s->files_made) {
		put_names(&w, lead, CB_ARRAY_SIZE(lead));
		config_header(&w);
		csv_header(&w, cols);
	}
	for (size_t i = s->boots_written; i < s->nboots; i++) {
		const struct vm_boot_row *b = &s->boots[i];
		csv_u64(&w, s->boot_base + i);
		csv_str(&w, s->where);
		csv_str(&w, s->mmu);
		write_config(&w, &b->cfg);
		csv_str(&w, s->prims);
		csv_u64(&w, s->reps);
		csv_str(&w, vm_boot_status_names[b->status]);
		csv_str(&w, b->reason);
		if (b->exited)
			csv_u64(&w, b->guest_status);
		else
			csv_str(&w, "");
		u64_or_empty(&w, b->ram_bytes);
		csv_double(&w, b->timeout_s > 0 ? b->timeout_s : NAN);
		u64_or_empty(&w, b->tsc_khz);
		u64_or_empty(&w, b->create_vm_ns);
		u64_or_empty(&w, b->setup_ns);
		u64_or_empty(&w, b->boot_ns);
		u64_or_empty(&w, b->boot_from_start_ns);
		u64_or_empty(&w, b->run_ns);
		u64_or_empty(&w, b->prefault_ns); /* 0 unless RAM was prefaulted */
		if (b->residency) {
			csv_u64(&w, b->ram_rss_bytes);
			csv_u64(&w, b->ram_huge_bytes);
		} else {
			csv_str(&w, "");
			csv_str(&w, "");
		}
		csv_u64(&w, b->phases);
		csv_u64(&w, b->vmm_exits);
		csv_str(&w, s->kernel);
		csv_double(&w, b->probe.cpu_ns);
		csv_double(&w, b->probe.mem_ns);
		csv_end_row(&w);
	}
}

static void write_results_csv(FILE *fp, const struct vm_store *s)
{
	struct csv_writer w;
	csv_writer_init(&w, fp);
	static const char *const cols[] = {"boot", "name", "value", NULL};
	if (!s->files_made)
		csv_header(&w, cols);
	for (size_t i = 0; i < s->nresults; i++) {
		csv_u64(&w, s->boot_base + s->results[i].boot);
		csv_str(&w, s->results[i].name);
		csv_u64(&w, s->results[i].value);
		csv_end_row(&w);
	}
}

/* In the order vm_store_write appends them: a boot's rows are complete in
 * vm-stats.csv before its row reaches vm-boots.csv, and in vm-boots.csv
 * before its phases reach vm.csv. */
static void (*const writers[VM_CSV_COUNT])(FILE *fp, const struct vm_store *s) = {
	[VM_CSV_STATS] = write_stats_csv,
	[VM_CSV_RESULTS] = write_results_csv,
	[VM_CSV_BOOTS] = write_boots_csv,
	[VM_CSV_VM] = write_vm_csv,
};
const char *const vm_csv_names[VM_CSV_COUNT] = {
	[VM_CSV_STATS] = "vm-stats.csv",
	[VM_CSV_RESULTS] = "vm-results.csv",
	[VM_CSV_BOOTS] = "vm-boots.csv",
	[VM_CSV_VM] = "vm.csv",
};

char *vm_store_header(enum vm_csv_file f)
{
	struct vm_store empty;
	vm_store_init(&empty);
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (!fp)
		cb_die(CB_EXIT_FAIL, "vm", "out of memory");
	writers[f](fp, &empty);
	fclose(fp);
	vm_store_free(&empty);
	return text;
}

int vm_store_write(struct vm_store *s, const char *dir, cb_error *e)
{
	for (int i = 0; i < VM_CSV_COUNT; i++) {
		char *path = cb_path_join(dir, vm_csv_names[i]);
		struct afile af;
		int rc = s->files_made ? afile_open_append(&af, path, e) : afile_open(&af, path, e);
		free(path);
		if (rc < 0)
			return -1;
		writers[i](af.fp, s);
		if (afile_commit(&af, e) < 0)
			return -1;
	}
	s->files_made = true;
	s->boots_written = s->nboots;
	vm_store_forget_rows(s);
	return 0;
}
