#include "vm_plan.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

/* FNV-1a: the plan only has to notice a different guest binary, not
 * resist someone forging one, and a 64-bit hash does that without a
 * cryptography library for one call. */
static uint64_t fnv1a64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

__attribute__((format(printf, 2, 3)))
static void add_line(struct vm_plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		cb_die(CB_EXIT_FAIL, "vm", "out of memory");
	va_end(ap);
	p->lines = cb_xrealloc(p->lines, (p->n + 1) * sizeof(*p->lines));
	p->lines[p->n++] = s;
}

void vm_plan_build(const struct vm_plan_in *in, struct vm_plan *p)
{
	memset(p, 0, sizeof(*p));
	add_line(p, "where %s", in->where);
	add_line(p, "mmu %s", in->mmu);
	add_line(p, "pv-cpuid %s", in->pv_cpuid ? "yes" : "no");
	add_line(p, "kernel %zu bytes fnv1a-64 %016" PRIx64, in->kernel_len,
		 fnv1a64(in->kernel, in->kernel_len));
	add_line(p, "boots %zu", in->ncfg);
	for (size_t i = 0; i < in->ncfg; i++) {
		char label[160];
		add_line(p, "boot %zu: %s ram=%" PRIu64 ": %s", i,
			 vm_config_label(&in->cfgs[i], label, sizeof(label)), in->ram[i],
			 in->cmdlines[i]);
	}
}

void vm_plan_free(struct vm_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i]);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}

void vm_plan_free_args(char **args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}

/* NULL when a string is not UTF-8 (JSON cannot hold it). */
static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int vm_plan_check_args(char *const *args, size_t nargs, cb_error *e)
{
	for (size_t i = 0; i < nargs; i++) {
		json_t *s = json_string(args[i]);
		if (!s) {
			cb_error_set(e, "'%.100s' is not UTF-8 text, which %s must record", args[i],
				     VM_PLAN_FILE);
			return -1;
		}
		json_decref(s);
	}
	return 0;
}

int vm_plan_write(const char *dir, const struct vm_plan *p, char *const *args, size_t nargs,
		  cb_error *e)
{
	json_t *a = strings(args, nargs), *l = strings(p->lines, p->n);
	if (!a || !l) {
		json_decref(a);
		json_decref(l);
		cb_error_set(e, "cannot write %s: text that is not UTF-8", VM_PLAN_FILE);
		return -1;
	}
	json_t *j = json_object();
	json_object_set_new(j, "args", a);
	json_object_set_new(j, "plan", l);
	char *path = cb_path_join(dir, VM_PLAN_FILE);
	int rc = afile_write_json(path, j, 0, VM_PLAN_FILE, e);
	json_decref(j);
	free(path);
	return rc;
}

/* A JSON array of strings into a malloc'ed vector; -1 if it is not one. */
static int read_strings(const json_t *a, char ***out, size_t *n)
{
	if (!json_is_array(a))
		return -1;
	char **v = cb_xcalloc(json_array_size(a) + 1, sizeof(*v));
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *s = json_array_get(a, i);
		if (!json_is_string(s)) {
			vm_plan_free_args(v, i);
			return -1;
		}
		v[i] = cb_xstrdup(json_string_value(s));
	}
	*out = v;
	*n = json_array_size(a);
	return 0;
}

int vm_plan_read(const char *dir, struct vm_plan *p, char ***args, size_t *nargs, cb_error *e)
{
	char *path = cb_path_join(dir, VM_PLAN_FILE);
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		cb_error_set(e, "%s: line %d: %s", path, je.line, je.text);
		free(path);
		return -1;
	}
	struct vm_plan plan = {0};
	char **a = NULL;
	size_t na = 0;
	int rc = 1;
	if (read_strings(json_object_get(j, "plan"), &plan.lines, &plan.n) < 0 ||
	    read_strings(json_object_get(j, "args"), &a, &na) < 0) {
		cb_error_set(e, "%s: needs a list of strings 'plan' and one 'args'", path);
		vm_plan_free(&plan);
		rc = -1;
	}
	json_decref(j);
	free(path);
	if (rc < 0)
		return -1;
	if (p)
		*p = plan;
	else
		vm_plan_free(&plan);
	if (args) {
		*args = a;
		*nargs = na;
	} else {
		vm_plan_free_args(a, na);
	}
	return 1;
}

int vm_plan_compare(const struct vm_plan *there, const struct vm_plan *here, cb_error *e)
{
	size_t n = there->n < here->n ? there->n : here->n;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(there->lines[i], here->lines[i]) != 0) {
			cb_error_set(e, "another plan: '%.200s' there, '%.200s' here",
				     there->lines[i], here->lines[i]);
			return -1;
		}
	}
	if (there->n != here->n) {
		cb_error_set(e, "another plan: %zu plan lines there, %zu here", there->n,
			     here->n);
		return -1;
	}
	return 0;
}
