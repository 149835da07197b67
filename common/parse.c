#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *s, uint64_t *out, cb_error *e)
{
	if (!s || !*s) {
		cb_error_set(e, "empty number");
		return -1;
	}
	if (!isdigit((unsigned char)*s)) {
		cb_error_set(e, "'%s' is not a non-negative integer", s);
		return -1;
	}
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE) {
		cb_error_set(e, "'%s' is too large", s);
		return -1;
	}
	if (*end) {
		cb_error_set(e, "'%s' is not a non-negative integer", s);
		return -1;
	}
	*out = v;
	return 0;
}

bool parse_number_field(const char *s, double *v)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (*end || isnan(x) || (errno == ERANGE && isinf(x)))
		return false;
	if (v)
		*v = x;
	return true;
}

int parse_double(const char *s, double *out, cb_error *e)
{
	if (!s || !*s) {
		cb_error_set(e, "empty number");
		return -1;
	}
	/* a field's rules, less infinity */
	double v;
	if (!parse_number_field(s, &v) || !isfinite(v)) {
		cb_error_set(e, "'%s' is not a number", s);
		return -1;
	}
	*out = v;
	return 0;
}

int parse_ratio(const char *s, double *out, bool *percent, cb_error *e)
{
	size_t len = s ? strlen(s) : 0;
	*percent = len && s[len - 1] == '%';
	char *num = strndup(s ? s : "", *percent ? len - 1 : len);
	if (!num)
		cb_die(CB_EXIT_FAIL, "memory", "out of memory");
	double v;
	int rc = parse_double(num, &v, e);
	free(num);
	if (rc < 0)
		return -1;
	*out = *percent ? v / 100 : v;
	return 0;
}

int parse_size(const char *s, uint64_t *out, cb_error *e)
{
	if (!s || !*s) {
		cb_error_set(e, "empty size");
		return -1;
	}
	const char *p = s;
	if (!isdigit((unsigned char)*p) && *p != '.') {
		cb_error_set(e, "'%s' is not a size (examples: 0, 4096, 64K, 1M, 1.5G)", s);
		return -1;
	}
	char *end;
	errno = 0;
	double v = strtod(p, &end);
	if (errno == ERANGE || end == p || !isfinite(v) || v < 0) {
		cb_error_set(e, "'%s' is not a size (examples: 0, 4096, 64K, 1M, 1.5G)", s);
		return -1;
	}
	double mult = 1;
	switch (toupper((unsigned char)*end)) {
	case 'K': mult = 1024.0; end++; break;
	case 'M': mult = 1024.0 * 1024; end++; break;
	case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	default: break;
	}
	if (mult > 1 && *end == 'i')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end) {
		cb_error_set(e, "'%s' is not a size (examples: 0, 4096, 64K, 1M, 1.5G)", s);
		return -1;
	}
	double bytes = v * mult;
	if (bytes >= 18446744073709551616.0) {
		cb_error_set(e, "'%s' is too large", s);
		return -1;
	}
	if (bytes != floor(bytes)) {
		cb_error_set(e, "'%s' is not a whole number of bytes", s);
		return -1;
	}
	*out = (uint64_t)bytes;
	return 0;
}

const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;
	uint64_t v = bytes;
	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
	return buf;
}

int parse_list(const char *s, char ***items, size_t *n, cb_error *e)
{
	if (!s || !*s) {
		cb_error_set(e, "empty list");
		return -1;
	}
	size_t count = 1;
	for (const char *p = s; *p; p++)
		count += *p == ',';
	char **v = cb_xcalloc(count + 1, sizeof(*v));
	const char *start = s;
	for (size_t i = 0; i < count; i++) {
		const char *comma = strchr(start, ',');
		size_t len = comma ? (size_t)(comma - start) : strlen(start);
		/* Spaces around items are a typo a user means nothing by. */
		while (len && isspace((unsigned char)*start)) {
			start++;
			len--;
		}
		while (len && isspace((unsigned char)start[len - 1]))
			len--;
		if (len == 0) {
			cb_error_set(e, "'%s' has an empty element", s);
			parse_list_free(v);
			return -1;
		}
		v[i] = strndup(start, len);
		if (!v[i])
			cb_die(CB_EXIT_FAIL, "memory", "out of memory");
		start = comma ? comma + 1 : start + len;
	}
	*items = v;
	*n = count;
	return 0;
}

void parse_list_free(char **items)
{
	if (!items)
		return;
	for (char **p = items; *p; p++)
		free(*p);
	free(items);
}

int parse_size_list(const char *s, uint64_t **sizes, size_t *n, cb_error *e)
{
	char **items;
	size_t count;
	if (parse_list(s, &items, &count, e) < 0)
		return -1;
	uint64_t *v = cb_xcalloc(count, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		if (parse_size(items[i], &v[i], e) < 0) {
			free(v);
			parse_list_free(items);
			return -1;
		}
	}
	parse_list_free(items);
	*sizes = v;
	*n = count;
	return 0;
}

const char *format_names(const char *const *names, const char *sep, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; names[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? sep : "", names[i]);
	return buf;
}

int parse_name(const char *s, const char *const *names, const char *kind, cb_error *e)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	char known[256];
	cb_error_set(e, "unknown %s '%s' (known: %s)", kind, s,
		     format_names(names, ", ", known, sizeof(known)));
	return -1;
}

int parse_name_list(const char *s, const char *const *names, const char *kind,
		    int **idx, size_t *n, cb_error *e)
{
	char **items;
	size_t count;
	if (parse_list(s, &items, &count, e) < 0)
		return -1;
	int *v = cb_xcalloc(count, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		v[i] = parse_name(items[i], names, kind, e);
		for (size_t j = 0; v[i] >= 0 && j < i; j++) {
			if (v[j] == v[i]) {
				cb_error_set(e, "%s '%s' is listed twice", kind, items[i]);
				v[i] = -1;
			}
		}
		if (v[i] < 0) {
			free(v);
			parse_list_free(items);
			return -1;
		}
	}
	parse_list_free(items);
	*idx = v;
	*n = count;
	return 0;
}

int parse_dirty(const char *s, struct dirty_spec *out, cb_error *e)
{
	double frac;
	bool pct;
	if (parse_ratio(s, &frac, &pct, e) == 0 && pct) {
		if (frac < 0 || frac > 1) {
			cb_error_set(e, "'%s' is not a percentage between 0%% and 100%%", s);
			return -1;
		}
		out->percent = true;
		out->value = frac * 100;
		return 0;
	}
	if (s && *s && s[strlen(s) - 1] == '%') {
		cb_error_set(e, "'%s' is not a percentage between 0%% and 100%%", s);
		return -1;
	}
	uint64_t pages;
	if (parse_u64(s, &pages, e) < 0) {
		cb_error_set(e, "'%s' is neither a page count nor a percentage (examples: 16, 50%%)",
			     s ? s : "");
		return -1;
	}
	out->percent = false;
	out->value = (double)pages;
	return 0;
}

int parse_dirty_list(const char *s, struct dirty_spec **out, size_t *n, cb_error *e)
{
	char **items;
	size_t count;
	if (parse_list(s, &items, &count, e) < 0)
		return -1;
	struct dirty_spec *v = cb_xcalloc(count, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		if (parse_dirty(items[i], &v[i], e) < 0) {
			free(v);
			parse_list_free(items);
			return -1;
		}
	}
	parse_list_free(items);
	*out = v;
	*n = count;
	return 0;
}

uint64_t dirty_pages(const struct dirty_spec *d, uint64_t pages)
{
	if (d->percent)
		return (uint64_t)llround(d->value / 100.0 * (double)pages);
	return (uint64_t)d->value < pages ? (uint64_t)d->value : pages;
}

const char *format_dirty(const struct dirty_spec *d, char *buf, size_t len)
{
	if (d->percent)
		snprintf(buf, len, "%g%%", d->value);
	else
		snprintf(buf, len, "%.0f", d->value);
	return buf;
}
