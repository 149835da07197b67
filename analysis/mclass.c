#include "mclass.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Words in CPU brand strings that name no property of the machine. */
static const char *const noise[] = {"(r)", "(tm)", "cpu", "processor", "@", NULL};

static bool is_noise(const char *w, size_t n)
{
	for (size_t i = 0; noise[i]; i++)
		if (strlen(noise[i]) == n && !strncasecmp(w, noise[i], n))
			return true;
	return false;
}

/* Appends s as slug characters; returns the new length. */
static size_t slug_append(char *buf, size_t len, size_t at, const char *s)
{
	bool dash = at > 0;
	for (const char *p = s; *p;) {
		/* Split into words at spaces, then drop "(R)"/"(TM)" glued to
		 * a word ("Intel(R)") as well as standalone noise words. */
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - w);
		if (is_noise(w, n))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (w[i] == '(' && (!strncasecmp(w + i, "(r)", 3) || !strncasecmp(w + i, "(tm)", 4))) {
				i += w[i + 2] == ')' ? 2 : 3;
				continue;
			}
			if (isalnum((unsigned char)w[i])) {
				if (dash && at + 1 < len)
					buf[at++] = '-';
				dash = false;
				if (at + 1 < len)
					buf[at++] = (char)tolower((unsigned char)w[i]);
			} else {
				dash = at > 0;
			}
		}
		dash = at > 0;
	}
	buf[at] = '\0';
	return at;
}

void mclass_slug(const char *brand, long logical_cpus, const char *mmu, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	size_t at = slug_append(buf, len, 0, brand ? brand : "unknown-cpu");
	char cpus[32];
	snprintf(cpus, sizeof(cpus), "%ldcpu", logical_cpus);
	at = slug_append(buf, len, at, cpus);
	slug_append(buf, len, at, mmu && *mmu ? mmu : "nokvm");
}

int mclass_from_meta(const json_t *meta, char *buf, size_t len, cb_error *e)
{
	json_t *fp = meta ? json_object_get(meta, "fingerprint") : NULL;
	json_t *brand = fp ? json_object_get(fp, "cpu_brand") : NULL;
	if (!json_is_string(brand)) {
		cb_error_set(e, "meta.json has no fingerprint.cpu_brand");
		return -1;
	}
	json_t *cpus = json_object_get(fp, "logical_cpus");
	json_t *mmu = json_object_get(fp, "kvm_mmu");
	mclass_slug(json_string_value(brand), json_is_integer(cpus) ? (long)json_integer_value(cpus) : 0,
		    json_is_string(mmu) ? json_string_value(mmu) : NULL, buf, len);
	return 0;
}
