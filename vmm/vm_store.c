#include "vm_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vm_src_names[VM_SRC_COUNT] = {"vcpu", "vm", "vmm"};

/* Sized by its initialiser, so the assert below catches a list that does
 * not match the count VM_KVM_COLS was computed as. */
const char *const vm_kvm_cols[] = {
#define VM_KVM_STR(name) #name,
#define VM_KVM_NAME(name, in_vm_csv, required) CB_KVM_IF_VM(in_vm_csv, VM_KVM_STR, name)
	CB_KVM_STATS(VM_KVM_NAME)
#undef VM_KVM_NAME
#undef VM_KVM_STR
};
_Static_assert(CB_ARRAY_SIZE(vm_kvm_cols) == VM_KVM_COLS, "vm_kvm_cols");
_Static_assert(VM_KVM_COLS <= 32, "kvm_cols_present is a 32-bit mask");

#define GROW(arr, n, cap)                                                   \
	do {                                                                \
		if ((n) == (cap)) {                                         \
			(cap) = (cap) ? (cap) * 2 : 64;                     \
			(arr) = cb_xrealloc((arr), (cap) * sizeof(*(arr))); \
		}                                                           \
	} while (0)

void vm_store_init(struct vm_store *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < VM_KVM_COLS; i++)
		s->kvm_col_ids[i] = vm_store_intern(s, vm_kvm_cols[i]);
}

void vm_store_free(struct vm_store *s)
{
	for (size_t i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->phases);
	free(s->stats);
	free(s->boots);
	free(s->results);
	free(s->map_keys);
	free(s->map_vals);
	memset(s, 0, sizeof(*s));
}

/* A few hundred distinct names at most (KVM statistics, units, VMM
 * counters), interned once per boot: a linear scan is plenty. */
uint32_t vm_store_intern(struct vm_store *s, const char *str)
{
	for (size_t i = 0; i < s->nstrs; i++)
		if (strcmp(s->strs[i], str) == 0)
			return (uint32_t)i;
	GROW(s->strs, s->nstrs, s->cap_strs);
	s->strs[s->nstrs] = cb_xstrdup(str);
	return (uint32_t)s->nstrs++;
}

const char *vm_store_str(const struct vm_store *s, uint32_t id)
{
	return id < s->nstrs ? s->strs[id] : "";
}

uint32_t vm_store_add_boot(struct vm_store *s, const struct vm_config *cfg)
{
	GROW(s->boots, s->nboots, s->cap_boots);
	struct vm_boot_row *b = &s->boots[s->nboots];
	memset(b, 0, sizeof(*b));
	b->cfg = *cfg;
	b->probe.cpu_ns = b->probe.mem_ns = NAN; /* a skipped boot is never timed */
	if (s->map_cap)
		memset(s->map_keys, 0xff, s->map_cap * sizeof(*s->map_keys));
	s->map_used = 0;
	return (uint32_t)s->nboots++;
}

static size_t slot(const struct vm_store *s, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 32) & (s->map_cap - 1);
	while (s->map_keys[i] != UINT64_MAX && s->map_keys[i] != key)
		i = (i + 1) & (s->map_cap - 1);
	return i;
}

static void map_grow(struct vm_store *s)
{
	uint64_t *ok = s->map_keys, *ov = s->map_vals;
	size_t ocap = s->map_cap;
	s->map_cap = ocap ? ocap * 2 : 64;
	s->map_keys = cb_xmalloc(s->map_cap * sizeof(*s->map_keys));
	s->map_vals = cb_xmalloc(s->map_cap * sizeof(*s->map_vals));
	memset(s->map_keys, 0xff, s->map_cap * sizeof(*s->map_keys));
	for (size_t i = 0; i < ocap; i++) {
		if (ok[i] == UINT64_MAX)
			continue;
		size_t j = slot(s, ok[i]);
		s->map_keys[j] = ok[i];
		s->map_vals[j] = ov[i];
	}
	free(ok);
	free(ov);
}

uint64_t vm_store_sample(struct vm_store *s, uint32_t prim, uint32_t rep)
{
	if (prim == CB_PRIM_NONE)
		return s->next_sample++;
	if ((s->map_used + 1) * 2 > s->map_cap)
		map_grow(s);
	uint64_t key = (uint64_t)prim << 32 | rep;
	size_t i = slot(s, key);
	if (s->map_keys[i] == key)
		return s->map_vals[i];
	s->map_keys[i] = key;
	s->map_vals[i] = s->next_sample++;
	s->map_used++;
	return s->map_vals[i];
}

void vm_store_add_stat(struct vm_store *s, enum vm_src src, uint32_t name, uint32_t unit,
		       uint8_t kind, int64_t delta)
{
	GROW(s->stats, s->nstats, s->cap_stats);
	s->stats[s->nstats++] = (struct vm_stat_row){name, unit, (uint8_t)src, kind, delta};
}

void vm_store_add_phase(struct vm_store *s, uint32_t boot, const struct cb_phase_record *rec,
			size_t stat_first, uint64_t hc_exits, uint64_t vmm_exits)
{
	GROW(s->phases, s->nphases, s->cap_phases);
	struct vm_phase_row *p = &s->phases[s->nphases++];
	p->boot = boot;
	p->sample = vm_store_sample(s, rec->primitive, rec->rep);
	p->rec = *rec;
	p->hc_exits = hc_exits;
	p->vmm_exits = vmm_exits;
	p->stat_first = stat_first;
	p->stat_count = s->nstats - stat_first;
	s->phases_total++;
	if (boot < s->nboots)
		s->boots[boot].phases++;
}

void vm_store_add_result(struct vm_store *s, uint32_t boot, const char *name, uint64_t value)
{
	GROW(s->results, s->nresults, s->cap_results);
	struct vm_result_row *r = &s->results[s->nresults++];
	r->boot = boot;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->value = value;
}

void vm_store_forget_rows(struct vm_store *s)
{
	s->nphases = s->nstats = s->nresults = 0;
}
