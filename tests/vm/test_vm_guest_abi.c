/* The assembly guests' copy of the ABI numbers (guests/tg.h) must match
 * common/cb_abi.h: checked at compile time. */
#include <stddef.h>

#include "cb_abi.h"
#include "check.h"
#include "tg.h"

_Static_assert(TG_ABI_VERSION == CB_ABI_VERSION, "version");
_Static_assert(TG_BOOT_MAGIC == CB_BOOT_MAGIC, "boot magic");
_Static_assert(TG_BOOT_CMDLINE_GPA_OFF == offsetof(struct cb_boot_info, cmdline_gpa), "");
_Static_assert(TG_BOOT_CMDLINE_LEN_OFF == offsetof(struct cb_boot_info, cmdline_len), "");
_Static_assert(TG_HC_PORT == CB_HC_PORT && TG_HC_MAGIC == CB_HC_MAGIC, "hc");
_Static_assert(TG_DEBUGCON_PORT == CB_DEBUGCON_PORT, "debugcon");
_Static_assert(TG_DEBUG_EXIT_PORT == CB_DEBUG_EXIT_PORT, "debug exit");
_Static_assert(TG_HC_CONSOLE == CB_HC_CONSOLE && TG_HC_PHASE_BEGIN == CB_HC_PHASE_BEGIN &&
		       TG_HC_PHASE_END == CB_HC_PHASE_END && TG_HC_RESULT == CB_HC_RESULT &&
		       TG_HC_EXIT == CB_HC_EXIT,
	       "ops");
_Static_assert(TG_HC_OP == offsetof(struct cb_hcall, op), "op");
_Static_assert(TG_HC_SIZEOF_OFF == offsetof(struct cb_hcall, size), "size");
_Static_assert(TG_HC_RET == offsetof(struct cb_hcall, ret), "ret");
_Static_assert(TG_HC_ARG0 == offsetof(struct cb_hcall, arg[0]), "arg0");
_Static_assert(TG_HC_ARG1 == offsetof(struct cb_hcall, arg[1]), "arg1");
_Static_assert(TG_HC_ARG2 == offsetof(struct cb_hcall, arg[2]), "arg2");
_Static_assert(TG_HC_SIZE == sizeof(struct cb_hcall), "hcall size");
_Static_assert(TG_PRIM_FORK == CB_PRIM_FORK && TG_PRIM_NONE == CB_PRIM_NONE, "prims");
_Static_assert(TG_PHASE_NULL == CB_PHASE_NULL && TG_PHASE_CREATE == CB_PHASE_CREATE &&
		       TG_PHASE_DIRTY == CB_PHASE_DIRTY,
	       "phases");
_Static_assert(TG_REC_CYCLES == offsetof(struct cb_phase_record, cycles), "cycles");
_Static_assert(TG_REC_COW_COPIES == offsetof(struct cb_phase_record, cow_copies), "cow");
_Static_assert(TG_REC_ZERO_FILLS == offsetof(struct cb_phase_record, zero_fills), "zero");
_Static_assert(TG_REC_FRESH_FRAMES == offsetof(struct cb_phase_record, fresh_frames), "fresh");
_Static_assert(TG_REC_SIZE == sizeof(struct cb_phase_record), "record size");

int main(void)
{
	/* The ABI structs have no padding a freestanding compiler could lay
	 * out differently. */
	CHECK_EQ_U64(sizeof(struct cb_boot_info), 40);
	CHECK_EQ_U64(sizeof(struct cb_hcall), 48);
	CHECK_EQ_U64(sizeof(struct cb_phase_record), 152);
	return check_done();
}
