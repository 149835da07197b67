#include "fmt.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "parse.h"

#define DASH "\u2014"

/* Three significant digits, no exponent for the magnitudes a unit prefix
 * leaves (1 to 999). */
static void sig3(double v, char *buf, size_t len)
{
	double a = fabs(v);
	int decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
	snprintf(buf, len, "%.*f", decimals, v);
}

const char *fmt_ns(double ns, char *buf, size_t len)
{
	static const struct {
		double scale;
		const char *unit;
	} units[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "\u00b5s"}, {1, "ns"}};
	if (isnan(ns)) {
		snprintf(buf, len, DASH);
		return buf;
	}
	for (size_t i = 0; i < CB_ARRAY_SIZE(units); i++) {
		/* 999.6 us rounds to "1000 us": move to the next unit first */
		if (fabs(ns) >= units[i].scale * 0.9995 || i + 1 == CB_ARRAY_SIZE(units)) {
			char num[32];
			if (units[i].scale == 1 && fabs(ns) >= 100)
				snprintf(num, sizeof(num), "%.0f", ns);
			else
				sig3(ns / units[i].scale, num, sizeof(num));
			snprintf(buf, len, "%s %s", num, units[i].unit);
			return buf;
		}
	}
	return buf;
}

const char *fmt_num(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, DASH);
	else if (isinf(v))
		snprintf(buf, len, "%sinf", v < 0 ? "-" : "");
	else if (v == floor(v) && fabs(v) < 1e7)
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 1e7 || (fabs(v) < 0.001 && v != 0))
		snprintf(buf, len, "%.3g", v);
	else
		sig3(v, buf, len);
	return buf;
}

const char *fmt_ns_ci(double lo, double hi, char *buf, size_t len)
{
	char a[32], b[32];
	if (isnan(lo) || isnan(hi))
		snprintf(buf, len, DASH);
	else
		snprintf(buf, len, "[%s, %s]", fmt_ns(lo, a, sizeof(a)), fmt_ns(hi, b, sizeof(b)));
	return buf;
}

const char *fmt_bytes(double bytes, char *buf, size_t len)
{
	if (isnan(bytes) || bytes < 0) {
		snprintf(buf, len, DASH);
		return buf;
	}
	format_size((uint64_t)bytes, buf, len);
	if (strlen(buf) <= 5) /* exact and short: "64M", "1536M" */
		return buf;
	/* Not a round binary size (a published RSS): three digits are plenty. */
	static const char units[] = " KMGT";
	int u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	char num[32];
	sig3(bytes, num, sizeof(num));
	snprintf(buf, len, "%s%c", num, units[u]);
	return buf;
}

const char *fmt_change(double rel, char *buf, size_t len)
{
	if (isnan(rel))
		snprintf(buf, len, DASH);
	else if (isinf(rel))
		snprintf(buf, len, "%sinf%%", rel > 0 ? "+" : "-");
	else
		snprintf(buf, len, "%+.1f%%", rel * 100);
	return buf;
}

void fmt_md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}
