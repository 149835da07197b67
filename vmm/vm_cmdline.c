#include "vm_cmdline.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cb_abi.h"

int vm_cmdline_build(const struct vm_config *c, const int *prims, size_t nprims, uint64_t reps,
		     bool tdp, const char *extra, char *buf, size_t len, cb_error *e)
{
	size_t limit = len - 1 < CB_BOOT_CMDLINE_MAX ? len - 1 : CB_BOOT_CMDLINE_MAX;
	for (const char *p = extra; p && *p; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			cb_error_set(e, "guest arguments may hold printable ASCII only (byte 0x%02x)",
				     (unsigned char)*p);
			return -1;
		}
	}
	char plist[64];
	vm_prim_list(prims, nprims, plist, sizeof(plist));
	int w = snprintf(buf, len, "region=%" PRIu64 " dirty=%" PRIu64 " prims=%s reps=%" PRIu64,
			 c->region_bytes, c->dirty_pages, plist, reps);
	for (int d = 0; d < VM_DIM_COUNT && w >= 0 && (size_t)w < len; d++)
		if (vm_dims[d].cmdline)
			w += snprintf(buf + w, len - (size_t)w, " %s=%s", vm_dims[d].cmdline,
				      vm_dim_value(c, (enum vm_dim)d));
	if (w >= 0 && (size_t)w < len)
		w += snprintf(buf + w, len - (size_t)w, "%s%s%s", tdp && c->prefault ? " prefault=1" : "",
			      extra && *extra ? " " : "", extra ? extra : "");
	size_t n = w > 0 ? (size_t)w : 0;
	if (n > limit) {
		cb_error_set(e, "guest command line of %zu bytes exceeds %zu", n, limit);
		buf[0] = '\0';
		return -1;
	}
	return (int)n;
}
