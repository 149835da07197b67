#include "host_result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host_prim.h"
#include "nofork.h"

#define HOST_METRIC_DESC_(ID, col, row_kind, in_summary) \
	[HOST_M_##ID] = {#col, row_kind, in_summary},
const struct host_metric_desc host_metrics[HOST_M_COUNT] = {HOST_METRICS(HOST_METRIC_DESC_)};
#undef HOST_METRIC_DESC_

void host_result_init(struct host_result *r, const struct host_point *pt,
		      const struct host_config *cfg)
{
	memset(r, 0, sizeof(*r));
	r->pt = pt;
	r->cfg = cfg;
}

void host_result_push(struct host_result *r, const struct host_sample *s, int round,
		      double pte_bytes, double huge_fraction, int cpu)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		for (int m = 0; m < HOST_M_COUNT; m++)
			r->v[m] = nofork_realloc(r->v[m], r->cap * sizeof(double));
		r->round = nofork_realloc(r->round, r->cap * sizeof(*r->round));
	}
	double d = (double)r->cfg->dirty_pages;
	double row[HOST_M_COUNT] = {
		[HOST_M_CREATE] = (double)s->create_ns,
		[HOST_M_CHILD_START] = s->child_start_ns,
		[HOST_M_TOTAL] = s->total_ns,
		[HOST_M_COW] = s->cow_ns,
		[HOST_M_COW_PER_PAGE] = d > 0 ? s->cow_ns / d : NAN,
		[HOST_M_COW_FAULTS] = s->cow_faults,
		[HOST_M_MINFLT] = s->minflt,
		[HOST_M_PTE] = pte_bytes,
		[HOST_M_HUGE] = huge_fraction,
		[HOST_M_CPU] = cpu,
		[HOST_M_PROBE_CPU] = s->probe.cpu_ns,
		[HOST_M_PROBE_MEM] = s->probe.mem_ns,
		[HOST_M_VERIFIED] = s->verified_pages,
		[HOST_M_COPIED] = s->copied_bytes,
		[HOST_M_POOL_COPIED] = s->pool_copied_bytes,
		[HOST_M_SHOOTDOWNS] = s->kev.tlb_shootdowns,
		[HOST_M_THP_SPLIT] = s->kev.thp_split_pmd,
	};
#define KEV_ROW_(E, col, perf, unused) row[HOST_M_K_##E] = s->kev.v[HOST_KEV_##E];
	HOST_KEVENTS(KEV_ROW_, )
#undef KEV_ROW_
	for (int m = 0; m < HOST_M_COUNT; m++)
		r->v[m][r->n] = row[m];
	r->round[r->n] = round;
	r->n++;
}

void host_result_add_writes(struct host_result *r, int round, const struct loghist *h)
{
	if (!h->n)
		return;
	struct host_writes_round *w = r->nwrites ? &r->writes[r->nwrites - 1] : NULL;
	if (!w || w->round != round) {
		r->writes = nofork_realloc(r->writes, (r->nwrites + 1) * sizeof(*r->writes));
		w = &r->writes[r->nwrites++];
		memset(w, 0, sizeof(*w));
		w->round = round;
	}
	loghist_merge(&w->h, h);
	r->writes_total += h->n;
}

void host_result_write_values(const struct host_result *r, double **x, int **round, size_t *n)
{
	*n = (size_t)r->writes_total;
	*x = NULL;
	*round = NULL;
	if (!*n)
		return;
	*x = cb_xmalloc(*n * sizeof(**x));
	*round = cb_xmalloc(*n * sizeof(**round));
	size_t k = 0;
	for (size_t i = 0; i < r->nwrites; i++) {
		size_t m = loghist_values(&r->writes[i].h, *x + k);
		for (size_t j = 0; j < m; j++)
			(*round)[k + j] = r->writes[i].round;
		k += m;
	}
}

void host_result_truncate(struct host_result *r, size_t n)
{
	if (n < r->n)
		r->n = n;
}

size_t host_result_watched(const struct host_result *r, const double **series)
{
	size_t k = 0;
	series[k++] = r->v[HOST_M_CREATE];
	if (!host_prims[r->cfg->prim].execs && r->cfg->dirty_pages > 0)
		series[k++] = r->v[HOST_M_COW];
	return k;
}

void host_result_free(struct host_result *r)
{
	for (int m = 0; m < HOST_M_COUNT; m++)
		nofork_free(r->v[m]);
	nofork_free(r->round);
	nofork_free(r->writes);
	memset(r, 0, sizeof(*r));
}
