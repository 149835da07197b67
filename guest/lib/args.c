#include "glib.h"

int span_eq(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return l == n && memcmp(s, lit, n) == 0;
}

int args_find(const char *args, size_t len, const char *key, const char **val, size_t *vlen)
{
	size_t kl = strlen(key), i = 0;
	int found = 0;
	/* The last occurrence wins, so appended test arguments override. */
	while (i < len) {
		while (i < len && args[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && args[i] != ' ')
			i++;
		size_t wl = i - start;
		if (wl > kl && args[start + kl] == '=' && memcmp(args + start, key, kl) == 0) {
			*val = args + start + kl + 1;
			*vlen = wl - kl - 1;
			found = 1;
		}
	}
	return found;
}

uint64_t args_u64(const char *args, size_t len, const char *key, uint64_t def, int *bad)
{
	const char *v;
	size_t vl;
	if (!args_find(args, len, key, &v, &vl))
		return def;
	if (vl == 0 || vl > 19) {
		*bad = 1;
		return def;
	}
	uint64_t x = 0;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9') {
			*bad = 1;
			return def;
		}
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	return x;
}
