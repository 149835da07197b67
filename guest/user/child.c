/* The program spawn() starts: a fresh address space that dirties `dirty`
 * pages of its own (demand-zero, never COW) and exits.  It shares only
 * the stamp page with its parent. */
#include "usys.h"

int main(uint64_t dirty, uint64_t rep)
{
	uint8_t *base = (uint8_t *)USER_REGION_BASE;
	if (dirty && sys_map(USER_REGION_BASE, dirty * 4096, GMAP_REGION) < 0) {
		uprintf("spawned child: cannot map %lu pages\n", dirty);
		return 1;
	}
	child_dirty_and_exit(CB_PRIM_SPAWN, (unsigned)rep, base, dirty, NULL, 0);
}
